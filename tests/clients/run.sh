#!/usr/bin/env bash
# Runs the real client libraries against `comment-sieve serve`: installs
# akismet-api from npm into target/node (tests/npm-install.sh), starts the release binary
# on an ephemeral loopback port with a key and a Coral secret, runs the
# Node tests, stops the server.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=$root/target/release/comment-sieve
[ -x "$bin" ] || cargo build --release --quiet
clients=$(bash "$root/tests/npm-install.sh" akismet-api@6)
work=$(mktemp -d)
key=client-test-key
secret=client-test-secret
"$bin" serve --listen 127.0.0.1:0 --state "$work/state" --api-key "$key" --coral-secret "$secret" \
  >"$work/out" 2>"$work/log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on' "$work/out" 2>/dev/null && break
  sleep 0.05
done
addr=$(sed -n 's|^listening on http://||p' "$work/out")
[ -n "$addr" ] || { cat "$work/log"; exit 1; }
SERVER=$addr KEY=$key CORAL_SECRET=$secret NODE_CLIENTS=$clients \
  node --test "$root/tests/clients/akismet.mjs" "$root/tests/clients/coral.mjs"
