#!/usr/bin/env bash
# `Moderator::moderate` side by side with an earlier build, one core.
#
#   benches/moderate_vs_earlier.sh               # EARLIER=847a0ad RUNS=5 ROUNDS=5 PASSES=4
#
# Checks the EARLIER commit out into target/earlier-src (a detached git worktree),
# builds benches/moderate_side_by_side/moderate.rs twice, once against that
# checkout and once against this one (same program, same release profile), and
# runs the two alternately RUNS times, pinned to core CORE (default 1): each run
# moderates PASSES copies of the 1,138 YouTube comments of data/ under the seed
# articles, ROUNDS rounds, and prints its median rate in comments/s of CPU time.
# Each build uses its own embedded default model.
set -euo pipefail
cd "$(dirname "$0")/.."
EARLIER="${EARLIER:-847a0ad}"
RUNS="${RUNS:-5}"
ROUNDS="${ROUNDS:-5}"
PASSES="${PASSES:-4}"
CORE="${CORE:-1}"
root=$(pwd)
dir=target/moderate-bench
src=target/earlier-src
if [ ! -d "$src" ]; then
    git worktree add --detach "$src" "$EARLIER" >/dev/null
fi
for which in earlier current; do
    lib=$root
    [ "$which" = earlier ] && lib=$root/$src
    mkdir -p "$dir/$which"
    cat >"$dir/$which/Cargo.toml" <<TOML
[package]
name = "moderate-bench-$which"
version = "0.0.0"
edition = "2021"
publish = false

[[bin]]
name = "moderate-bench-$which"
path = "$root/benches/moderate_side_by_side/moderate.rs"

[dependencies]
comment-sieve = { path = "$lib", default-features = false }
csv = "1"
libc = "0.2"
serde_json = "1"

[workspace]
TOML
    cargo build --release --quiet --manifest-path "$dir/$which/Cargo.toml" --target-dir "$dir/target"
done
echo "earlier: $EARLIER; current: $(git rev-parse --short HEAD); core $CORE; $RUNS runs each, alternating"
for i in $(seq "$RUNS"); do
    for which in earlier current; do
        printf '%-8s ' "$which"
        taskset -c "$CORE" "$dir/target/release/moderate-bench-$which" data "$ROUNDS" "$PASSES" | tail -1
    done
done
