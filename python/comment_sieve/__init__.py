"""comment-sieve for Python: moderates reader comments (spam, abuse,
off-topic, duplicates) with the Rust library.

``Classifier`` labels comments one at a time (``classify``), in lists with
the GIL released (``classify_batch``) or as Arrow arrays
(``classify_arrow``); every verdict has the fields of a ``comment-sieve
label`` record. ``DuplicateDetector`` finds repeated comments and
``Moderator`` applies a site's policy. ``comment_sieve.sklearn`` wraps the
classifier as a scikit-learn estimator and ``comment_sieve.spark`` runs it
over Spark DataFrames.
"""

from ._comment_sieve import Classifier, DuplicateDetector, Error, Moderator

#: The content labels, in the order of ``Classifier.probabilities``.
LABELS = tuple(Classifier.labels())

#: The verdict fields of a record, in record order.
VERDICT_FIELDS = ("label", "scores", "reasons", "toxic_spans", "duplicate_of")

__all__ = ["Classifier", "DuplicateDetector", "Error", "Moderator", "LABELS", "VERDICT_FIELDS"]
