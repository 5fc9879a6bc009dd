#!/usr/bin/env bash
# Runs the review page's browser test: installs playwright-core from npm
# into target/node (tests/npm-install.sh), starts the release binary on an ephemeral
# loopback port with a key, drives Debian's chromium (/usr/bin/chromium,
# or $CHROMIUM) through the page, saves target/review.png, stops the
# server.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=$root/target/release/comment-sieve
[ -x "$bin" ] || cargo build --release --quiet
node_dir=$(bash "$root/tests/npm-install.sh" playwright-core@1.65)
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "no chromium at $chromium (apt-get install chromium)" >&2; exit 1; }
work=$(mktemp -d)
key=browser-test-key
"$bin" serve --listen 127.0.0.1:0 --state "$work/state" --api-key "$key" \
  >"$work/out" 2>"$work/log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on' "$work/out" 2>/dev/null && break
  sleep 0.05
done
addr=$(sed -n 's|^listening on http://||p' "$work/out")
[ -n "$addr" ] || { cat "$work/log"; exit 1; }
SERVER=$addr KEY=$key BROWSER_NODE=$node_dir CHROMIUM=$chromium SCREENSHOT=$root/target/review.png \
  node --test "$root/tests/browser/review.mjs" || { tail -20 "$work/log"; exit 1; }
