"""A scikit-learn estimator: ``fit`` trains a comment-sieve model on texts
and content labels, ``predict`` labels texts, ``predict_proba`` gives the
label probabilities, so the model drops into pipelines, ``GridSearchCV``
and ``cross_val_score``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ._comment_sieve import Classifier

_LABELS = tuple(Classifier.labels())


def _texts(X) -> list:
    if hasattr(X, "tolist"):
        X = X.tolist()
    texts = [x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x for x in X]
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"X[{i}] is a {type(t).__name__}, not a comment text (str)")
    return texts


class CommentSieveClassifier(ClassifierMixin, BaseEstimator):
    """comment-sieve as a scikit-learn classifier of texts.

    ``y`` holds content labels (``spam``, ``abuse``, ``off_topic``,
    ``on_topic``). The parameters are those of ``Classifier.train``; with
    ``calibrate=True`` the Platt calibration needs ``sources`` to leave
    out, so the default here is False.
    """

    def __init__(self, alpha=1.0, label_alpha=0.5, min_df=3, l2=1.0, calibrate=False, threads=None):
        self.alpha = alpha
        self.label_alpha = label_alpha
        self.min_df = min_df
        self.l2 = l2
        self.calibrate = calibrate
        self.threads = threads

    def fit(self, X, y, sources=None):
        """Trains on texts ``X`` with labels ``y``."""
        texts = _texts(X)
        labels = [str(v) for v in (y.tolist() if hasattr(y, "tolist") else y)]
        self.model_ = Classifier.train(
            texts,
            labels,
            sources=None if sources is None else [str(s) for s in sources],
            alpha=self.alpha,
            label_alpha=self.label_alpha,
            min_df=self.min_df,
            l2=self.l2,
            calibrate=self.calibrate,
        )
        self.classes_ = np.array(sorted(set(labels)), dtype=object)
        return self

    def predict(self, X):
        """The label of every text."""
        recs = self.model_.classify_batch(_texts(X), threads=self.threads)
        return np.array([r["label"] for r in recs], dtype=object)

    def predict_proba(self, X):
        """Probabilities of ``classes_`` for every text (the model's label
        probabilities, renormalised over the classes seen in training)."""
        p = np.asarray(self.model_.probabilities(_texts(X), threads=self.threads))
        cols = [_LABELS.index(c) for c in self.classes_]
        p = p[:, cols]
        s = p.sum(axis=1, keepdims=True)
        return np.divide(p, s, out=np.full_like(p, 1.0 / len(cols)), where=s > 0)
