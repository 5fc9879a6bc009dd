#!/usr/bin/env bash
# Logistic regression on word 1-2-grams (scikit-learn) on the Fox News
# article folds of `cargo run --release --example evaluate -- fox`:
# prints per-fold and mean ROC-AUC. Creates its own virtual environment
# under target/ on first use. `--youtube-published` runs
# benches/published_nb.py instead (the published YouTube experiment rerun).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/baseline-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet scikit-learn
fi
if [ "${1:-}" = "--youtube-published" ]; then
    exec "$venv/bin/python" benches/published_nb.py
fi
exec "$venv/bin/python" benches/baseline_lr.py "$@"
