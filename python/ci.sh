#!/usr/bin/env bash
# Builds the Python package and runs its tests on a fresh machine: a venv
# under target/py-venv with maturin, pytest, pyarrow, pyspark, scikit-learn
# (from PyPI), the abi3 wheel built by maturin and installed into it, and
# the `comment-sieve` binary the tests compare with.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/py-venv
PY=${PYTHON:-python3}
start=$SECONDS
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "maturin>=1.5,<2" pytest "pyarrow>=14" "pyspark>=3.4" "scikit-learn>=1.0" "pandas<3"
echo "python/ci.sh: venv ready after $((SECONDS - start)) s"
cargo fmt --manifest-path python/Cargo.toml -- --check
cargo clippy --release -p comment-sieve-python -- -D warnings
# The binary the tests compare with, as the `cargo test` of .ci/run (run
# just before) builds it: nothing to rebuild there.
cargo test --release --workspace --exclude comment-sieve-python --no-run --quiet
rm -rf target/wheels
"$VENV/bin/maturin" build --release --quiet -m python/Cargo.toml -o target/wheels
"$VENV/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps target/wheels/comment_sieve-*.whl
echo "python/ci.sh: wheel installed after $((SECONDS - start)) s"
COMMENT_SIEVE_BIN="$PWD/target/release/comment-sieve" "$VENV/bin/pytest" -q -p no:cacheprovider \
    -W "ignore::FutureWarning" python/tests
echo "python/ci.sh: done in $((SECONDS - start)) s"
