#!/usr/bin/env bash
# Load benchmark of `comment-sieve serve` with wrk (Debian package `wrk`)
# on loopback: /v1/classify, Perspective comments:analyze and Akismet
# comment-check, each at 1, 16 and 256 connections for DURATION seconds
# (default 12), with an API key. Prints requests/s, p50, p99 and p99.9
# latency per run, and the server's resident memory (VmRSS, and its peak
# VmHWM) after each run and the running request total, so that memory
# can be read against a million requests and more.
#
#   bash benches/serve_load.sh            # needs: apt-get install wrk
#   DURATION=5 bash benches/serve_load.sh
#   ENDPOINTS=check DUP_CAPACITY=100000 DURATION=25 bash benches/serve_load.sh
#
# ENDPOINTS picks among classify, analyze, check; DUP_CAPACITY sets the
# duplicate index's window (comment-check remembers every comment in it);
# STATE=1 runs the server with a state folder (`--state`), so that every
# checked comment is also logged for the duplicate index.
#
# Not part of CI: it takes about two minutes and loads both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-12}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ -x target/release/comment-sieve ] || cargo build --release --quiet
work=$(mktemp -d)
key=bench-key
echo "{\"duplicate_capacity\": ${DUP_CAPACITY:-1000000}}" >"$work/config.json"
COMMENT_SIEVE_LOG=warn target/release/comment-sieve serve --listen 127.0.0.1:0 --api-key "$key" \
  --config "$work/config.json" ${STATE:+--state "$work/state"} >"$work/out" 2>"$work/log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^listening' "$work/out" 2>/dev/null && break; sleep 0.05; done
addr=$(sed -n 's|^listening on http://||p' "$work/out")

text='I read the article on the city budget, and the council should publish the full numbers before the vote.'
cat >"$work/classify.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
wrk.body = '{"id":"c1","text":"$text"}'
LUA
cat >"$work/analyze.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"comment":{"text":"$text"},"doNotStore":true,"requestedAttributes":{"TOXICITY":{}},"languages":["en"]}'
LUA
form="blog=https%3A%2F%2Fnews.example&user_ip=192.0.2.1&comment_type=comment&comment_author=reader&comment_content=$(printf %s "$text" | sed 's/ /+/g; s/,/%2C/g')"
cat >"$work/check.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Host"] = "$key.localhost"
wrk.body = "$form"
LUA
for f in classify analyze check; do
  cat >>"$work/$f.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.0f %.3f %.3f %.3f %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
done

rss() { awk '/VmRSS|VmHWM/ {printf "%s %s MiB  ", $1, int($2/1024)}' /proc/$pid/status; }
echo "server pid $pid on $addr, $(nproc) cores, ${DURATION}s a run; start: $(rss)"
printf '%-28s %5s %10s %9s %9s %9s %9s %7s %10s  %s\n' endpoint conns requests "req/s" "p50 ms" "p99 ms" "p99.9 ms" errors total memory
total=0
for ep in "classify /v1/classify" "analyze /v1alpha1/comments:analyze?key=$key" "check /1.1/comment-check"; do
  set -- $ep
  case " ${ENDPOINTS:-classify analyze check} " in *" $1 "*) ;; *) continue ;; esac
  for c in 1 16 256; do
    t=$(( c < 2 ? 1 : 2 ))
    line=$(wrk -t$t -c$c -d${DURATION}s --timeout 10s -s "$work/$1.lua" "http://$addr$2" | grep '^RESULT')
    read -r _ n rps p50 p99 p999 errs <<<"$line"
    total=$((total + n))
    printf '%-28s %5d %10d %9d %9s %9s %9s %7d %10d  %s\n' "${2%%\?*}" "$c" "$n" "$rps" "$p50" "$p99" "$p999" "$errs" "$total" "$(rss)"
  done
done
