"""Spark end to end, and the memory of a long run.

    python python/bench/spark_run.py parquet N [--master local[2]]
        writes N YouTube-like comments as Parquet (not timed), then times
        read + classify + write partitioned by label; prints comments/s and
        comments/s per core. The same comments are written as JSONL for the
        CLI comparison (`comment-sieve label --no-dedup --threads 2`).
    python python/bench/spark_run.py memory N [--master local[2]]
        classifies N comments generated inside Spark (no input files) and
        discards the output (the `noop` sink), sampling every 0.5 s the
        resident memory of the JVM (driver and executor in local mode) and
        of the Python workers; prints the peak of each and their RSS at
        every tenth of the run.
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import label_parquet  # noqa: E402


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def children(pid):
    out = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def sampler(stop, samples):
    me = os.getpid()
    while not stop.is_set():
        jvm, py = 0, []
        for c in children(me):
            with open(f"/proc/{c}/cmdline", "rb") as fh:
                cmd = fh.read()
            if b"java" in cmd.split(b"\0")[0]:
                jvm = max(jvm, rss_kib(c))
                # Python workers are the JVM's (daemon's) descendants.
                stack = children(c)
                while stack:
                    p = stack.pop()
                    py.append(rss_kib(p))
                    stack += children(p)
        samples.append((time.perf_counter(), jvm, max(py, default=0), len(py)))
        time.sleep(0.5)


def session(master):
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master(master)
        .appName("comment-sieve bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["parquet", "memory"])
    ap.add_argument("n", type=int)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--dir", default="target/spark-bench")
    a = ap.parse_args()
    spark = session(a.master)
    cores = int(a.master.split("[")[1].rstrip("]")) if "[" in a.master else 1
    if a.what == "parquet":
        src, dst = Path(a.dir) / "in", Path(a.dir) / "out"
        label_parquet.write_sample(spark, str(src), a.n, files=8)
        with open(Path(a.dir) / "in.jsonl", "w") as fh:
            for cid, author, video, text in label_parquet.youtube_like(a.n):
                fh.write(json.dumps({"id": cid, "author": author, "article_id": video, "text": text}) + "\n")
        label_parquet.label_folder(spark, src, Path(a.dir) / "warm")  # JVM and workers warm
        t = time.perf_counter()
        counts = label_parquet.label_folder(spark, src, dst)
        secs = time.perf_counter() - t
        n = sum(counts.values())
        print(f"spark {a.master}: {n:,} comments read, classified, written by label in {secs:.1f} s: "
              f"{n / secs:,.0f}/s, {n / secs / cores:,.0f}/s per core")
        return
    from pyspark.sql import functions as F

    from comment_sieve.spark import classify

    texts = [r[3] for r in label_parquet.youtube_like(1138)]
    arr = F.array(*[F.lit(t) for t in texts])
    df = spark.range(a.n, numPartitions=max(8, a.n // 250_000)).select(
        F.col("id").cast("string").alias("id"),
        F.element_at(arr, (F.col("id") % len(texts) + 1).cast("int")).alias("text"),
    )
    stop, samples = threading.Event(), []
    th = threading.Thread(target=sampler, args=(stop, samples), daemon=True)
    th.start()
    t = time.perf_counter()
    classify(df).write.format("noop").mode("overwrite").save()
    secs = time.perf_counter() - t
    stop.set()
    th.join()
    run = [s for s in samples if s[0] >= t]
    print(f"{a.n:,} comments in {secs:.1f} s ({a.n / secs:,.0f}/s) on {a.master}")
    print(f"peak RSS: JVM {max(s[1] for s in run) / 1024:,.0f} MiB, "
          f"largest Python worker {max(s[2] for s in run) / 1024:,.0f} MiB")
    for k in range(1, 11):
        s = run[min(len(run) - 1, k * len(run) // 10 - 1)]
        print(f"  {k * 10:>3}% of the run: JVM {s[1] / 1024:,.0f} MiB, Python worker {s[2] / 1024:,.0f} MiB ({s[3]} workers)")


if __name__ == "__main__":
    main()
