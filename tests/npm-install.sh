#!/usr/bin/env bash
# Installs npm packages for the Node tests into one folder, target/node
# (or $NPM_DIR), and prints that folder: the tests load the packages from
# there (`createRequire(DIR + "/package.json")`).
#
#   node_dir=$(bash tests/npm-install.sh akismet-api@6 playwright-core@1.65)
#
# Each argument is NAME@VERSION, VERSION a full version or its first parts
# (`6`, `1.65`); a package already installed at a matching version is left
# as it is, so a second run installs nothing. On a fresh machine without
# npm, Debian's nodejs and npm are installed first (apt-get, as root).
# Runs from any folder; npm's own output goes to stderr.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${NPM_DIR:-$root/target/node}
[ $# -gt 0 ] || { echo "usage: $0 NAME@VERSION..." >&2; exit 2; }
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
fi
mkdir -p "$dir"
# One install at a time in the folder (two test scripts may run at once).
exec 9>"$dir/.install.lock"
flock 9
[ -f "$dir/package.json" ] || echo '{"private": true}' >"$dir/package.json"
missing=()
for spec in "$@"; do
  name=${spec%@*}
  want=${spec##*@}
  [ -n "$name" ] && [ "$name" != "$spec" ] ||
    { echo "$0: $spec: expected NAME@VERSION" >&2; exit 2; }
  have=$(node -p "require(process.argv[1]).version" "$dir/node_modules/$name/package.json" 2>/dev/null || true)
  case "$have" in
    "$want" | "$want".*) ;;
    *) missing+=("$spec") ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  (cd "$dir" && npm install --no-audit --no-fund --silent "${missing[@]}") >&2
fi
echo "$dir"
