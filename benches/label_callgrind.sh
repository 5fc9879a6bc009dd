#!/usr/bin/env bash
# Where the labeler's instructions go, per record, counted with callgrind.
#
#   benches/label_callgrind.sh                 # the first N=20000 of the 200,000 comments
#   N=5000 benches/label_callgrind.sh          # fewer
#
# Takes the first N records of the whole-process benchmark's input
# (`comment-sieve-tools bench gen-comments --comments 200000`, fixed seed, as
# benches/label_vs_sklearn.sh makes it) and runs
#   valgrind --tool=callgrind comment-sieve label -q --no-dedup --threads 1 IN -o OUT
# then splits the instructions, from callgrind_annotate's inclusive counts:
#   - model load: `Classifier::default` (once per process);
#   - classify: `Classifier::classify`;
#   - record::classification: writing the verdict's fields;
#   - parsing: the rest of the per-record parallel stage (reading the JSON
#     record, its text, id, author and article, copying its fields into the
#     output record, allocation), i.e. the closure rayon calls once per
#     record, less the two above;
#   - the rest: reading lines, writing the output, freeing, start-up.
# Needs valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-20000}"
DIR=target/bench
ALL="$DIR/comments-200000.jsonl"
IN="$DIR/callgrind-$N.jsonl"
OUT="$DIR/callgrind-$N.out"
cargo build --release --quiet --bin comment-sieve
cargo build --release --quiet -p comment-sieve-tools --bin comment-sieve-tools
mkdir -p "$DIR"
[ -s "$ALL" ] || target/release/comment-sieve-tools bench gen-comments --comments 200000 --output "$ALL"
head -n "$N" "$ALL" >"$IN"
valgrind --tool=callgrind --callgrind-out-file="$OUT" \
    target/release/comment-sieve label -q --no-dedup --threads 1 "$IN" -o "$DIR/callgrind-$N-labeled.jsonl" 2>/dev/null
callgrind_annotate --inclusive=yes --threshold=100 "$OUT" 2>/dev/null | awk -v n="$N" '
function count(s) { gsub(",", "", s); return s + 0 }
# Whole functions (the lines naming the binary), not their inlined parts.
/PROGRAM TOTALS/ { total = count($1) }
/\]$/ && /<comment_sieve::classify::Classifier as core::default::Default>::default \[/ { load = count($1) }
/\]$/ && /comment_sieve::classify::Classifier::classify \[/ { classify = count($1) }
/\]$/ && /comment_sieve::record::classification \[/ { record = count($1) }
/\]$/ && /function.rs:core::ops::function::impls::<impl core::ops::function::FnMut<A> for &F>::call_mut \[/ { stage = count($1) }
END {
    if (!load || !classify || !record || !stage) { print "a function was not found in the profile" > "/dev/stderr"; exit 1 }
    rest = total - load - stage
    parse = stage - classify - record
    printf "%d records: %.1f M instructions in all, model load %.1f M\n", n, total / 1e6, load / 1e6
    printf "per record, model load excluded: %d\n", (total - load) / n
    printf "  classify                 %6d\n", classify / n
    printf "  record::classification   %6d\n", record / n
    printf "  parsing the input record %6d\n", parse / n
    printf "  reading, writing, rest   %6d\n", rest / n
}'
