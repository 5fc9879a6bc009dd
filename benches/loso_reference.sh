#!/usr/bin/env bash
# Leave-one-source-out reference line (scikit-learn): word and character
# TF-IDF with logistic regression, one table per attribute (spam, toxicity,
# identity_attack). Creates its own virtual environment under target/ on
# first use.
#
#   benches/loso_reference.sh --corpus CORPUS.jsonl [--json OUT.json] [--news SOURCES]
#
# See the docstring of benches/loso_reference.py for the corpus format and
# the protocol.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/loso-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sklearn, numpy, scipy' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet scikit-learn numpy scipy
fi
exec "$venv/bin/python" benches/loso_reference.py "$@"
