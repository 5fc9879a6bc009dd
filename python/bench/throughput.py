"""Classification rate from Python, one core, side by side in one run, on
N YouTube-like comments (the 1,138 comments of data/youtube-spam, cycled):

- ``classify_batch`` (threads=1, with and without details) and
  ``classify_arrow`` (threads=1, with and without the reasons and spans
  columns);
- alt-profanity-check's ``predict_prob`` (when installed);
- a scikit-learn CountVectorizer + MultinomialNB pipeline, trained on the
  YouTube comments.

Rates are comments per second of the process's CPU time (every contender
runs on the calling thread), median of ROUNDS rounds; the wall-clock rate
is printed beside it. Run it pinned to one core:

    taskset -c 1 python python/bench/throughput.py [N] [ROUNDS]

The Rust library's own rate on the same comments, for the ratio:

    taskset -c 1 cargo run --release -p comment-sieve-tools -- bench classify-youtube --rounds 3 --passes 879
"""

import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def youtube():
    rows = []
    for f in sorted((ROOT / "data" / "youtube-spam").glob("Youtube*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows += [(r["CONTENT"], int(r["CLASS"])) for r in csv.DictReader(fh)]
    return rows


def measure(name, fn, n, rounds):
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(n / (time.process_time() - c0))
        wall.append(n / (time.perf_counter() - w0))
    print(
        f"{name:<44} {statistics.median(cpu):>12,.0f}/s CPU   {statistics.median(wall):>12,.0f}/s wall"
        f"   (rounds, CPU: {', '.join(f'{x:,.0f}' for x in cpu)})",
        flush=True,
    )
    return statistics.median(cpu)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import pyarrow as pa

    import comment_sieve as cs

    rows = youtube()
    texts = [rows[i % len(rows)][0] for i in range(n)]
    arr = pa.array(texts, type=pa.large_string())
    clf = cs.Classifier.default()
    print(f"{n:,} comments, {sum(map(len, texts)):,} characters, {rounds} rounds")
    measure("comment_sieve classify_batch", lambda: clf.classify_batch(texts, threads=1), n, rounds)
    measure(
        "comment_sieve classify_batch details=False",
        lambda: clf.classify_batch(texts, threads=1, details=False),
        n,
        rounds,
    )
    measure("comment_sieve classify_arrow", lambda: clf.classify_arrow(arr, threads=1), n, rounds)
    measure(
        "comment_sieve classify_arrow details=True",
        lambda: clf.classify_arrow(arr, details=True, threads=1),
        n,
        rounds,
    )
    try:
        from profanity_check import predict_prob
    except ImportError:
        print("alt-profanity-check: not installed (pip install alt-profanity-check)")
    else:
        measure("alt-profanity-check predict_prob", lambda: predict_prob(texts), n, rounds)
    try:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB
        from sklearn.pipeline import make_pipeline
    except ImportError:
        print("scikit-learn: not installed")
    else:
        pipe = make_pipeline(CountVectorizer(), MultinomialNB())
        pipe.fit([t for t, _ in rows], [y for _, y in rows])
        measure("scikit-learn CountVectorizer+MultinomialNB", lambda: pipe.predict_proba(texts), n, rounds)


if __name__ == "__main__":
    main()
