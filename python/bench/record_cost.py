"""Where the time of ``classify_batch`` goes, per comment, one core: the
call (classifying and making the dicts), freeing the returned records
(CPython's own deallocation, the same for any code that returns these
dicts), ``classify_arrow`` (classifying, almost nothing to build) on the
same N YouTube-like comments, and CPython itself making and freeing the
same dicts from their values (a comprehension of dict displays: the
containers alone, sharing the floats and ints classify_batch makes anew).
Median of ROUNDS rounds of CPU time:

    taskset -c 1 python python/bench/record_cost.py [N] [ROUNDS]
"""

import gc
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
    flat = [_flat(r) for r in clf.classify_batch(texts[: len(rows)], threads=1)]
    flat = [flat[i % len(flat)] for i in range(n)]
    call, free, arrow, python, objects = [], [], [], [], 0
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
        _rebuild(flat)
        t4 = time.process_time()
        call.append(t1 - t0)
        free.append(t2 - t1)
        arrow.append(t3 - t2)
        python.append(t4 - t3)
    us = lambda xs: f"{statistics.median(xs) / n * 1e6:.2f} µs"
    print(f"{n:,} comments, {rounds} rounds, {objects:.1f} dicts and lists a record")
    print(f"classify_batch call     {us(call)}")
    print(f"freeing its records     {us(free)}")
    print(f"classify_arrow          {us(arrow)}")
    print(f"CPython, the same dicts {us(python)} (made and freed, from their values)")


def _flat(r):
    """A record's values, without its containers."""
    reasons = [(x["token"], x["weight"], *x["span"], *x["chars"]) for x in r["reasons"]]
    return r["label"], tuple(r["scores"].values()), reasons, [tuple(s) for s in r["toxic_spans"]]


def _rebuild(flat):
    """The records made by CPython itself from their values (a dict display
    is its fastest way to make a dict), with the cycle collector paused as
    classify_batch does, then freed: what the containers alone cost."""
    gc.disable()
    recs = [
        {
            "label": label,
            "scores": {"spam": a, "abuse": b, "off_topic": c, "toxicity": d, "identity_attack": e},
            "reasons": [
                {"token": t, "weight": w, "span": [s0, s1], "chars": [c0, c1]} for t, w, s0, s1, c0, c1 in reasons
            ],
            "toxic_spans": [[x, y] for x, y in spans],
            "duplicate_of": None,
        }
        for label, (a, b, c, d, e), reasons, spans in flat
    ]
    gc.enable()
    del recs


def _containers(x):
    if isinstance(x, dict):
        return 1 + sum(_containers(v) for v in x.values())
    if isinstance(x, list):
        return 1 + sum(_containers(v) for v in x)
    return 0


if __name__ == "__main__":
    main()
