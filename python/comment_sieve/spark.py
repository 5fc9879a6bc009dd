"""Runs the classifier over a Spark DataFrame.

``classify(df)`` adds the verdict columns of a ``comment-sieve label``
record (``label``, ``scores``, ``reasons``, ``toxic_spans``,
``duplicate_of``) to every row. Rows travel as Arrow batches through
``mapInArrow`` straight into ``Classifier.classify_arrow``: no Python code
runs per row. The model crosses the network once per executor, as a
broadcast variable, and each Python worker loads it once.

The duplicate detector keeps a window of earlier comments, so a duplicate
check needs the comments it compares in one partition, in order:
``dedup_by="site"`` puts the whole DataFrame in one partition (the
``label`` command's default, exact but on one core); ``dedup_by=COLUMN``
(an article or thread id) repartitions by that key and compares each
comment only with earlier comments of the same key (``label
--dedup-scope thread``), so the answers do not depend on how keys are
packed into partitions.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Iterator, Optional

from ._comment_sieve import Classifier, DuplicateDetector

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame

#: The columns ``classify`` adds.
VERDICT_COLUMNS = ("label", "scores", "reasons", "toxic_spans", "duplicate_of")

_ORDER = "__comment_sieve_order"

# The model loaded in this Python worker, by a key made on the driver: a
# worker that runs many tasks of a job loads the model once.
_MODELS: dict = {}


def verdict_schema():
    """The Spark types of the verdict columns, as a ``StructType``."""
    from pyspark.sql.types import (
        ArrayType,
        BooleanType,
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    pair = ArrayType(LongType())
    scores = StructType(
        [StructField(n, DoubleType()) for n in ("spam", "abuse", "off_topic", "toxicity", "identity_attack")]
    )
    reason = StructType(
        [
            StructField("token", StringType()),
            StructField("weight", DoubleType()),
            StructField("span", pair),
            StructField("chars", pair),
        ]
    )
    dup = StructType(
        [
            StructField("id", StringType()),
            StructField("kind", StringType()),
            StructField("similarity", DoubleType()),
            StructField("same_author", BooleanType()),
            StructField("shared_links", BooleanType()),
        ]
    )
    return StructType(
        [
            StructField("label", StringType()),
            StructField("scores", scores),
            StructField("reasons", ArrayType(reason)),
            StructField("toxic_spans", ArrayType(pair)),
            StructField("duplicate_of", dup),
        ]
    )


def _model(key: str, broadcast) -> Classifier:
    clf = _MODELS.get(key)
    if clf is None:
        clf = Classifier.from_bytes(broadcast.value)
        _MODELS.clear()
        _MODELS[key] = clf
    return clf


def _strings(batch: "pyarrow.RecordBatch", name: Optional[str]):
    """Column ``name`` of ``batch`` as strings (None: no such column)."""
    if name is None:
        return None
    import pyarrow as pa

    col = batch.column(name)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = col.cast(pa.string())
    return col


def classify(
    df: "DataFrame",
    text_col: str = "text",
    id_col: Optional[str] = None,
    author_col: Optional[str] = None,
    article_col: Optional[str] = None,
    parent_col: Optional[str] = None,
    classifier: Optional[Classifier] = None,
    dedup_by: Optional[str] = None,
    threads: int = 1,
) -> "DataFrame":
    """``df`` with the verdict columns added (input columns of the same
    names are replaced).

    ``id_col``, ``author_col``, ``article_col``, ``parent_col`` name the
    comment's id, author, article and parent (a non-empty parent makes it a
    reply). ``dedup_by`` is None (no duplicate check: ``duplicate_of`` is
    null), ``"site"`` (every comment against every earlier one, in one
    partition) or a column (earlier comments with the same value); the
    check needs ``id_col`` and keeps the DataFrame's order within each
    key. ``threads`` is the number of threads per Spark task (Spark runs
    one task per core already).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    clf = classifier if classifier is not None else Classifier.default()
    spark = df.sparkSession
    model = spark.sparkContext.broadcast(clf.to_bytes())
    key = uuid.uuid4().hex

    base = df.drop(*[c for c in VERDICT_COLUMNS if c in df.columns])
    names = list(base.columns)
    thread_col = None
    if dedup_by is not None:
        if id_col is None:
            raise ValueError("a duplicate check (dedup_by) needs id_col")
        base = base.withColumn(_ORDER, F.monotonically_increasing_id())
        if dedup_by == "site":
            base = base.coalesce(1).sortWithinPartitions(_ORDER)
        else:
            if dedup_by not in names:
                raise ValueError(f"dedup_by: no column {dedup_by!r} in {names}")
            thread_col = dedup_by
            base = base.repartition(F.col(dedup_by)).sortWithinPartitions(dedup_by, _ORDER)
    schema = StructType(
        [f for f in base.schema.fields if f.name != _ORDER] + list(verdict_schema().fields)
    )
    dedup = dedup_by is not None

    def run(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        clf = _model(key, model)
        detector = DuplicateDetector(scope="thread" if thread_col else "site") if dedup else None
        for batch in batches:
            if batch.num_rows == 0:
                continue
            out = clf.classify_arrow(
                _strings(batch, text_col),
                ids=_strings(batch, id_col) if dedup else None,
                authors=_strings(batch, author_col),
                article_ids=_strings(batch, thread_col),
                parent_ids=_strings(batch, parent_col),
                detector=detector,
                details=True,
                threads=threads,
            )
            columns = [batch.column(n) for n in names] + [out.column(n) for n in VERDICT_COLUMNS]
            yield pa.RecordBatch.from_arrays(columns, names=names + list(VERDICT_COLUMNS))

    return base.mapInArrow(run, schema)
