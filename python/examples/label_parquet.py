"""Labels a Parquet folder of comments on Spark and writes the results
partitioned by label (one folder per label: label=spam/, label=abuse/, …).

    python python/examples/label_parquet.py IN OUT [--text-col text] [--id-col id]
        [--dedup-by article_id] [--master local[2]]
    python python/examples/label_parquet.py --sample N IN   # writes N YouTube-like comments to IN

The verdict columns (label, scores, reasons, toxic_spans, duplicate_of) are
those of `comment-sieve label`; the input columns are kept.
"""

import argparse
import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def youtube_like(n):
    """`n` comments cycling through data/youtube-spam, each copy with its
    own id, the video as its article."""
    rows = []
    for f in sorted((ROOT / "data" / "youtube-spam").glob("Youtube*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows += [(r["COMMENT_ID"], r["AUTHOR"], f.stem, r["CONTENT"]) for r in csv.DictReader(fh)]
    out = []
    for i in range(n):
        cid, author, video, text = rows[i % len(rows)]
        out.append((f"{cid}#{i // len(rows)}", author, video, text))
    return out


def write_sample(spark, path, n, files=4):
    """Writes `n` YouTube-like comments as a Parquet folder of `files` files."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = youtube_like(n)
    os.makedirs(path, exist_ok=True)
    per = -(-n // files)
    for k in range(files):
        part = rows[k * per : (k + 1) * per]
        if not part:
            break
        table = pa.table({name: [r[i] for r in part] for i, name in enumerate(["id", "author", "article_id", "text"])})
        pq.write_table(table, os.path.join(path, f"part-{k:05d}.parquet"))


def label_folder(spark, src, dst, text_col="text", id_col="id", dedup_by=None, author_col=None, article_col=None):
    """Reads Parquet folder `src`, classifies every comment and writes
    `dst` partitioned by label; returns the number of comments per label."""
    from comment_sieve.spark import classify

    df = spark.read.parquet(str(src))
    out = classify(
        df,
        text_col=text_col,
        id_col=id_col,
        author_col=author_col,
        article_col=article_col,
        dedup_by=dedup_by,
    )
    out.write.mode("overwrite").partitionBy("label").parquet(str(dst))
    counts = spark.read.parquet(str(dst)).groupBy("label").count().collect()
    return {r["label"]: r["count"] for r in counts}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output", nargs="?")
    ap.add_argument("--sample", type=int, help="write this many YouTube-like comments to INPUT and stop")
    ap.add_argument("--text-col", default="text")
    ap.add_argument("--id-col", default="id")
    ap.add_argument("--author-col")
    ap.add_argument("--dedup-by", help='"site", or a column such as article_id (default: no duplicate check)')
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args(argv)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(a.master)
        .appName("comment-sieve label_parquet")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    if a.sample:
        write_sample(spark, a.input, a.sample)
        return 0
    if not a.output:
        ap.error("OUTPUT is required")
    t = time.perf_counter()
    counts = label_folder(spark, a.input, a.output, a.text_col, a.id_col, a.dedup_by, a.author_col)
    secs = time.perf_counter() - t
    n = sum(counts.values())
    print(f"{n} comments in {secs:.1f} s ({n / secs:,.0f}/s): {counts}")
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
