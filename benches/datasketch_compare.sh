#!/usr/bin/env bash
# Runs the duplicate detector's near-duplicate benchmark, exports its pairs,
# and runs datasketch's MinHashLSH on the same pairs for comparison.
#
#   bash benches/datasketch_compare.sh
#
# Creates a Python venv under target/datasketch-venv (pip install datasketch)
# on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
venv="$target/datasketch-venv"
pairs="$target/dedup_pairs.jsonl"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet datasketch
fi
echo "== comment-sieve (Rust)"
cargo run --release --quiet -p comment-sieve-tools -- bench dedup-quality --no-sweep --export "$pairs"
echo
echo "== datasketch $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("datasketch"))') (Python)"
"$venv/bin/python" benches/datasketch_compare.py "$pairs"
