"""datasketch's MinHashLSH on the duplicate detector's benchmark pairs.

Reads the pairs written by `cargo run --release -p comment-sieve-tools -- bench
dedup-quality --export PAIRS.jsonl` (normalized texts included, so both sides see the same
text), and for word shingles of 3 words (and of 1 word) runs MinHashLSH with
threshold 0.8 and 128 permutations: every first comment is inserted, every
second comment queried; a pair is flagged when the query returns its first
comment. Prints recall per edit kind, false positives on negatives, overall
precision and recall, and the insert + query throughput.

Usage: python datasketch_compare.py PAIRS.jsonl
"""

import json
import re
import sys
import time
from collections import OrderedDict

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")


def shingles(text, k):
    words = WORD.findall(text)
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def minhash(text, k):
    m = MinHash(num_perm=128)
    for s in shingles(text, k):
        m.update(s.encode("utf-8"))
    return m


def run(pairs, k):
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    start = time.perf_counter()
    flagged = []
    for i, p in enumerate(pairs):
        lsh.insert(str(i), minhash(p["a_norm"], k))
        flagged.append(str(i) in lsh.query(minhash(p["b_norm"], k)))
    secs = time.perf_counter() - start
    return flagged, secs


def main():
    pairs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    for k in (3, 1):
        flagged, secs = run(pairs, k)
        by_kind = OrderedDict()
        for p, f in zip(pairs, flagged):
            n, hit = by_kind.get(p["kind"], (0, 0))
            by_kind[p["kind"]] = (n + 1, hit + int(f))
        print(f"\ndatasketch MinHashLSH, threshold 0.8, 128 permutations, {k}-word shingles\n")
        print("| pairs | n | flagged | rate |")
        print("|---|---|---|---|")
        for kind in sorted(by_kind):
            n, hit = by_kind[kind]
            print(f"| {kind} | {n} | {hit} | {hit / n:.4f} |")
        tp = sum(f for p, f in zip(pairs, flagged) if p["positive"])
        pos = sum(1 for p in pairs if p["positive"])
        fp = sum(f for p, f in zip(pairs, flagged) if not p["positive"])
        neg = len(pairs) - pos
        precision = tp / max(tp + fp, 1)
        print(
            f"\nOverall: precision {precision:.4f}, recall {tp / pos:.4f}, "
            f"false positives {fp} of {neg} negatives"
        )
        print(
            f"Speed: {len(pairs)} inserts + {len(pairs)} queries in {secs * 1e3:.0f} ms "
            f"= {len(pairs) / secs:.0f} pairs/s"
        )


if __name__ == "__main__":
    main()
