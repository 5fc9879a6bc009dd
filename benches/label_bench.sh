#!/usr/bin/env bash
# Batch labeler throughput and peak memory.
#
#   benches/label_bench.sh            # 1,000,000 records
#   N=100000 benches/label_bench.sh   # fewer
#
# Generates N synthetic comments from data/ with a fixed seed
# (`comment-sieve-tools bench gen-comments`) into target/bench/, labels them with
# `comment-sieve label --threads 1` and `--threads 2` under /usr/bin/time -v,
# and runs the library's classify throughput on the same comments
# (`comment-sieve-tools bench classify-throughput`, one thread) for the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-1000000}"
DIR=target/bench
IN="$DIR/comments-$N.jsonl"
OUT="$DIR/labeled-$N.jsonl"
mkdir -p "$DIR"

cargo build --release --quiet --bin comment-sieve
cargo build --release --quiet -p comment-sieve-tools --bin comment-sieve-tools
BIN=target/release/comment-sieve

target/release/comment-sieve-tools bench gen-comments --comments "$N" --output "$IN"
echo "input: $IN ($(wc -c <"$IN") bytes, $N records)"
echo "cores: $(nproc)"

for t in 1 2; do
    log="$DIR/time-threads-$t.txt"
    /usr/bin/time -v "$BIN" label -q --threads "$t" "$IN" -o "$OUT" 2>"$log"
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    lines=$(wc -l <"$OUT")
    awk -v t="$t" -v n="$N" -v s="$secs" -v r="$rss" -v l="$lines" 'BEGIN {
        printf "label --threads %d: %d records in %.2f s: %.0f records/s, peak RSS %.1f MiB (%d output lines)\n",
            t, n, s, n / s, r / 1024, l }'
done

target/release/comment-sieve-tools bench classify-throughput --comments "$N"
