#!/usr/bin/env bash
# Whole-process labeling speed against scikit-learn, one core each.
#
#   benches/label_vs_sklearn.sh                 # N=200000 comments, RUNS=5 pairs
#   N=50000 RUNS=3 benches/label_vs_sklearn.sh  # smaller
#
# Generates N synthetic comments with a fixed seed (`comment-sieve-tools bench
# gen-comments`, as benches/label_bench.sh does) into target/bench/, then times, pinned to
# core CORE (default 1) with taskset and alternating run by run:
#   - `comment-sieve label -q --no-dedup IN -o OUT` (release build, embedded model);
#   - benches/label_vs_sklearn.py: CountVectorizer + MultinomialNB trained on
#     data/youtube-spam, reading the same JSONL and writing JSONL with a label.
# Both are whole processes (start-up, model load or training, reading,
# predicting, writing). Prints wall and CPU (user + sys) seconds of every
# run, their medians and the ratio sklearn / comment-sieve.
# scikit-learn is installed into target/sklearn-venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-200000}"
RUNS="${RUNS:-5}"
CORE="${CORE:-1}"
DIR=target/bench
IN="$DIR/comments-$N.jsonl"
venv=target/sklearn-venv

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sklearn' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet scikit-learn
fi
cargo build --release --quiet --bin comment-sieve
cargo build --release --quiet -p comment-sieve-tools --bin comment-sieve-tools
mkdir -p "$DIR"
[ -s "$IN" ] || target/release/comment-sieve-tools bench gen-comments --comments "$N" --output "$IN"
echo "input: $IN ($(wc -c <"$IN") bytes, $N records); core $CORE; $RUNS runs each, alternating"
echo "scikit-learn $("$venv/bin/python" -c 'import sklearn; print(sklearn.__version__)'), $("$venv/bin/python" --version)"

# One timed run: appends "wall cpu" to $1, the rest is the command.
timed() {
    local log=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$DIR/time.txt" taskset -c "$CORE" "$@" 2>"$DIR/stderr.txt" ||
        { cat "$DIR/stderr.txt" >&2; exit 1; }
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$DIR/time.txt" >>"$log"
}

cs="$DIR/vs-sklearn-cs.txt"
sk="$DIR/vs-sklearn-sk.txt"
: >"$cs"
: >"$sk"
for i in $(seq "$RUNS"); do
    timed "$sk" "$venv/bin/python" benches/label_vs_sklearn.py data/youtube-spam "$IN" "$DIR/vs-sklearn-out-sk.jsonl"
    timed "$cs" target/release/comment-sieve label -q --no-dedup "$IN" -o "$DIR/vs-sklearn-out-cs.jsonl"
    echo "run $i: scikit-learn $(tail -1 "$sk") s, comment-sieve $(tail -1 "$cs") s (wall, cpu)"
done

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for col in 1 2; do
    what=$([ "$col" = 1 ] && echo wall || echo cpu)
    m_sk=$(cut -d' ' -f"$col" "$sk" | median)
    m_cs=$(cut -d' ' -f"$col" "$cs" | median)
    awk -v w="$what" -v s="$m_sk" -v c="$m_cs" -v n="$N" 'BEGIN {
        printf "median %s: scikit-learn %.2f s (%.0f records/s), comment-sieve %.2f s (%.0f records/s): %.1fx\n",
            w, s, n / s, c, n / c, s / c }'
done
