#!/usr/bin/env bash
# Instructions per KB of one classification and one duplicate check, from
# 100 B to 10 MB, on every input kind of the scaling benchmark, counted by
# callgrind (exact and repeatable whatever else the machine runs; cache
# misses are not counted). Linear time is a flat row.
#
#   benches/scaling_instructions.sh [KIND ...]      # default: every kind
#
# Needs valgrind. Takes about half an hour on one core for every kind.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p comment-sieve-tools --bin comment-sieve-tools
bin=target/release/comment-sieve-tools
kinds=("$@")
if [ ${#kinds[@]} -eq 0 ]; then
  kinds=(prose one_word urls bangs zalgo scripts rtl zwj entities tags spaced replaced passes)
fi
sizes=(100 10000 1000000 10000000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { # op kind size -> instructions inside `measured`
  valgrind --tool=callgrind --toggle-collect='*scaling_call*measured*' \
    --callgrind-out-file="$tmp/out" "$bin" bench scaling-call --op "$1" --kind "$2" --size "$3" \
    2>"$tmp/err" >/dev/null
  grep -m1 '^summary:' "$tmp/out" | awk '{print $2}'
}

for op in classify dedup; do
  echo
  echo "$op: instructions per KB (callgrind)"
  echo
  echo "| input | 100 B | 10 KB | 1 MB | 10 MB | 10 MB / 10 KB |"
  echo "|---|---:|---:|---:|---:|---:|"
  for kind in "${kinds[@]}"; do
    row="| $kind |"
    declare -A per=()
    for size in "${sizes[@]}"; do
      n=$(count "$op" "$kind" "$size")
      per[$size]=$(awk -v n="$n" -v s="$size" 'BEGIN { printf "%.0f", n / (s / 1000) }')
      row="$row ${per[$size]} |"
    done
    ratio=$(awk -v a="${per[10000000]}" -v b="${per[10000]}" 'BEGIN { printf "%.2f", a / b }')
    echo "$row $ratio |"
  done
done
