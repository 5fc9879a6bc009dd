"""Where the time of ``classify_batch`` goes, per comment, one core: the
call (classifying and making the dicts), freeing the returned records
(CPython's own deallocation, the same for any code that returns these
dicts), and ``classify_arrow`` (classifying, almost nothing to build) on
the same N YouTube-like comments. Median of ROUNDS rounds of CPU time:

    taskset -c 1 python python/bench/record_cost.py [N] [ROUNDS]
"""

import statistics
import sys
import time

from throughput import youtube


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import pyarrow as pa

    import comment_sieve as cs

    rows = youtube()
    texts = [rows[i % len(rows)][0] for i in range(n)]
    arr = pa.array(texts, type=pa.large_string())
    clf = cs.Classifier.default()
    call, free, arrow, objects = [], [], [], 0
    for _ in range(rounds):
        t0 = time.process_time()
        recs = clf.classify_batch(texts, threads=1)
        t1 = time.process_time()
        if not objects:
            objects = sum(_containers(r) for r in recs[: len(rows)]) / len(rows)
        del recs
        t2 = time.process_time()
        clf.classify_arrow(arr, threads=1)
        t3 = time.process_time()
        call.append(t1 - t0)
        free.append(t2 - t1)
        arrow.append(t3 - t2)
    us = lambda xs: f"{statistics.median(xs) / n * 1e6:.2f} µs"
    print(f"{n:,} comments, {rounds} rounds, {objects:.1f} dicts and lists a record")
    print(f"classify_batch call     {us(call)}")
    print(f"freeing its records     {us(free)}")
    print(f"classify_arrow          {us(arrow)}")


def _containers(x):
    if isinstance(x, dict):
        return 1 + sum(_containers(v) for v in x.values())
    if isinstance(x, list):
        return 1 + sum(_containers(v) for v in x)
    return 0


if __name__ == "__main__":
    main()
