"""Classification rate from Python, one core, side by side in one run, on
N YouTube-like comments (the 1,138 comments of data/youtube-spam, cycled):

- the Rust library itself (``comment-sieve-tools bench classify-youtube``,
  ``classify_text`` on the same comments, run as a child process when
  ``target/release/comment-sieve-tools`` is built), for the ratios;
- ``classify_batch`` (threads=1, with and without details) and
  ``classify_arrow`` (threads=1, with and without the reasons and spans
  columns);
- alt-profanity-check's ``predict_prob`` (when installed);
- a scikit-learn CountVectorizer + MultinomialNB pipeline, trained on the
  YouTube comments.

Rates are comments per second of CPU time (every contender runs on the
calling thread; the Rust one counts its thread's CPU time), the time of a
Python call including freeing what it returned. The rounds are
interleaved (round 1 of every contender, then round 2, ...), so that a
change in the machine's load hits every contender alike; each line gives
the rounds, their median and the median's ratio to the Rust median, with
the range of the per-round ratios. Run it pinned to one core:

    taskset -c 1 python python/bench/throughput.py [N] [ROUNDS]

(build the Rust side first: ``cargo build --release -p comment-sieve-tools``).
"""

import csv
import math
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "target" / "release" / "comment-sieve-tools"


def youtube():
    rows = []
    for f in sorted((ROOT / "data" / "youtube-spam").glob("Youtube*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows += [(r["CONTENT"], int(r["CLASS"])) for r in csv.DictReader(fh)]
    return rows


def timed(fn, n):
    """One round of a Python contender: comments/s of CPU time, and of wall time."""
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return n / (time.process_time() - c0), n / (time.perf_counter() - w0)


def rust_round(passes):
    """One round of the Rust library's own bench, `passes` passes over the
    comments: its comments/s of CPU time (wall time: the same figure)."""
    out = subprocess.run(
        [str(TOOLS), "bench", "classify-youtube", "--rounds", "1", "--passes", str(passes)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    rate = float(re.search(r"round: (\d+)", out).group(1))
    return rate, rate


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import pyarrow as pa

    import comment_sieve as cs

    rows = youtube()
    texts = [rows[i % len(rows)][0] for i in range(n)]
    arr = pa.array(texts, type=pa.large_string())
    clf = cs.Classifier.default()
    passes = math.ceil(n / len(rows))
    contenders = []
    if TOOLS.exists():
        contenders.append(
            (f"Rust library classify_text ({passes} passes)", lambda: rust_round(passes))
        )
    else:
        print(f"Rust library: {TOOLS} not built (cargo build --release -p comment-sieve-tools)")
    py = [
        ("comment_sieve classify_batch", lambda: clf.classify_batch(texts, threads=1)),
        (
            "comment_sieve classify_batch details=False",
            lambda: clf.classify_batch(texts, threads=1, details=False),
        ),
        ("comment_sieve classify_arrow", lambda: clf.classify_arrow(arr, threads=1)),
        (
            "comment_sieve classify_arrow details=True",
            lambda: clf.classify_arrow(arr, details=True, threads=1),
        ),
    ]
    try:
        from profanity_check import predict_prob
    except ImportError:
        print("alt-profanity-check: not installed (pip install alt-profanity-check)")
    else:
        py.append(("alt-profanity-check predict_prob", lambda: predict_prob(texts)))
    try:
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB
        from sklearn.pipeline import make_pipeline
    except ImportError:
        print("scikit-learn: not installed")
    else:
        pipe = make_pipeline(CountVectorizer(), MultinomialNB())
        pipe.fit([t for t, _ in rows], [y for _, y in rows])
        py.append(("scikit-learn CountVectorizer+MultinomialNB", lambda: pipe.predict_proba(texts)))
    contenders += [(name, lambda fn=fn: timed(fn, n)) for name, fn in py]
    print(f"{n:,} comments, {sum(map(len, texts)):,} characters, {rounds} rounds, interleaved")
    cpu = {name: [] for name, _ in contenders}
    wall = {name: [] for name, _ in contenders}
    for r in range(rounds):
        for name, run in contenders:
            c, w = run()
            cpu[name].append(c)
            wall[name].append(w)
        print(f"round {r + 1} done", flush=True)
    rust = cpu[contenders[0][0]] if TOOLS.exists() else None
    for name, _ in contenders:
        med = statistics.median(cpu[name])
        line = (
            f"{name:<44} {med:>10,.0f}/s CPU {statistics.median(wall[name]):>10,.0f}/s wall"
            f"  (rounds, CPU: {', '.join(f'{x:,.0f}' for x in cpu[name])})"
        )
        if rust:
            ratios = [x / y for x, y in zip(cpu[name], rust)]
            line += (
                f"  {med / statistics.median(rust):.2f}x Rust"
                f" (rounds {min(ratios):.2f}-{max(ratios):.2f})"
            )
        print(line, flush=True)


if __name__ == "__main__":
    main()
