#!/usr/bin/env bash
# Installs a pinned real n8n (and the Node 24 it needs) once into a cache folder outside the work tree, and checks
# that what is cached actually works before saying so. Progress goes to stderr; the last two stdout lines are
#   NODE_BIN_DIR=<folder holding Node 24's `node`>
#   N8N_BIN=<n8n's launcher>
# The cache folder is $JAS_N8N_CACHE (default ~/.cache/n8n-nodes-jas). A cache that is half-finished or broken (a
# step interrupted, a file deleted) is detected by the checks below and repaired on the next run.
#
# Why the explicit `--ignore-scripts=false`: the project's .npmrc sets ignore-scripts=true, and every npm started
# from `npm run`/`npm test` inherits it as npm_config_ignore_scripts. Node 24's package needs its install script
# (it fetches the binary package), and sqlite3 needs its build script.
set -euo pipefail
VERSIONS_FILE="$(dirname "$0")/n8n-versions"
if [ "${1:-}" = "--all" ]; then
	# Every version in scripts/n8n-versions, one after another (what `npm test` needs).
	for version in $(grep -v '^#' "$VERSIONS_FILE"); do N8N_VERSION="$version" bash "$0"; done
	exit 0
fi
N8N_VERSION="${N8N_VERSION:-$(grep -v '^#' "$VERSIONS_FILE" | head -n 1)}"
NODE24_VERSION="${NODE24_VERSION:-24.9.0}"
CACHE="${JAS_N8N_CACHE:-$HOME/.cache/n8n-nodes-jas}"
NODE_DIR="$CACHE/node-$NODE24_VERSION"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
NODE_BIN_DIR="$NODE_DIR/node_modules/node/bin"
N8N_BIN="$N8N_DIR/node_modules/.bin/n8n"
LOG_DIR="$CACHE/logs"
STARTED=$SECONDS
DID_WORK=0

say() { echo "[install-n8n $(elapsed)] $*" >&2; }
elapsed() { local s=$((SECONDS - STARTED)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
fail() { say "FAILED: $*"; exit 1; }

# Runs a long command with its output in a log file, printing one progress line a minute instead of npm's noise.
step() {
	local title="$1" detail="$2" log="$3"; shift 3
	DID_WORK=1
	say "$title ($detail) …"
	local t0=$SECONDS
	"$@" >"$log" 2>&1 &
	local pid=$! status=0
	while kill -0 "$pid" 2>/dev/null; do
		for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
		kill -0 "$pid" 2>/dev/null && say "  … still $title ($(( (SECONDS - t0) / 60 )) min so far)"
	done
	wait "$pid" || status=$?
	if [ "$status" -ne 0 ]; then
		say "  the last lines of $log:"
		tail -n 25 "$log" >&2
		fail "$title (exit $status); full log: $log"
	fi
	say "  done in $((SECONDS - t0)) s"
}

node24_ok() { [ -x "$NODE_BIN_DIR/node" ] && "$NODE_BIN_DIR/node" --version 2>/dev/null | grep -q "^v$NODE24_VERSION$"; }
# The native binding must load under Node 24 (a rebuild with scripts off reports success and builds nothing).
sqlite_ok() { (cd "$N8N_DIR" && "$NODE_BIN_DIR/node" -e "require('sqlite3')" >/dev/null 2>&1); }
n8n_ok() { [ -x "$N8N_BIN" ] && PATH="$NODE_BIN_DIR:$PATH" "$N8N_BIN" --version 2>/dev/null | grep -q "^$N8N_VERSION"; }

command -v npm >/dev/null || fail "npm is not on PATH"
mkdir -p "$CACHE" "$LOG_DIR"

# 1. Node 24 (the npm package node@24 ships the real binary through its install script).
if node24_ok; then
	:
else
	[ -e "$NODE_DIR" ] && say "Node $NODE24_VERSION in $NODE_DIR is missing or broken: reinstalling it"
	rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
	(cd "$NODE_DIR" && npm init -y >/dev/null)
	step "installing Node $NODE24_VERSION" "npm package node@$NODE24_VERSION, under a minute, 200 MB" "$LOG_DIR/node.log" \
		npm install --prefix "$NODE_DIR" --no-audit --no-fund --ignore-scripts=false "node@$NODE24_VERSION"
	node24_ok || fail "Node $NODE24_VERSION does not run after its install: $("$NODE_BIN_DIR/node" --version 2>&1 | head -n 3)"
fi
# npm_config_nodedir wants the folder that holds include/node (the headers for building sqlite3).
NODE_HEADERS_INCLUDE="$(find "$NODE_DIR/node_modules" -path '*node-linux-*/include/node' -type d 2>/dev/null | head -n1)"
[ -n "$NODE_HEADERS_INCLUDE" ] || fail "Node $NODE24_VERSION's headers (include/node) are missing in $NODE_DIR; delete that folder and run again"
NODE_HEADERS="$(dirname "$(dirname "$NODE_HEADERS_INCLUDE")")"

# 2. n8n, with scripts off: a Kafka native module would try to download a binary, which this network forbids.
npm_installed() { [ -f "$N8N_DIR/.npm-install-done" ] && [ -f "$N8N_DIR/node_modules/n8n/package.json" ] && [ -x "$N8N_BIN" ]; }
install_n8n() {
	rm -rf "$N8N_DIR"; mkdir -p "$N8N_DIR"
	(cd "$N8N_DIR" && npm init -y >/dev/null)
	if [[ "$N8N_VERSION" == 1.* ]]; then
		# n8n 1.x takes xlsx as a tarball from cdn.sheetjs.com, outside the npm registry (unreachable here): use the
		# registry's last xlsx instead. Only its Spreadsheet File node uses it; this package's tests do not.
		(cd "$N8N_DIR" && node -e 'const fs=require("fs");const p=JSON.parse(fs.readFileSync("package.json"));p.overrides={xlsx:"0.18.5"};fs.writeFileSync("package.json",JSON.stringify(p,null,2))')
	fi
	step "installing n8n $N8N_VERSION" "into $N8N_DIR: about 5 min and 2.9 GB on 2 cores, once" "$LOG_DIR/n8n.log" \
		npm install --prefix "$N8N_DIR" --no-audit --no-fund --loglevel=error --ignore-scripts=true "n8n@$N8N_VERSION"
	touch "$N8N_DIR/.npm-install-done"
}
build_sqlite() {
	# build-from-source: the prebuilt-binary download would fail on this network anyway, after a timeout.
	step "building sqlite3 for Node $NODE24_VERSION" "a C++ compile, about 2 min" "$LOG_DIR/sqlite3.log" \
		env npm_config_nodedir="$NODE_HEADERS" npm_config_build_from_source=true \
		npm rebuild --prefix "$N8N_DIR" --ignore-scripts=false --foreground-scripts sqlite3
	sqlite_ok || fail "sqlite3 still does not load under Node $NODE24_VERSION; see $LOG_DIR/sqlite3.log (the build needs python3, make and g++)"
}
export PATH="$NODE_BIN_DIR:$PATH"
if ! npm_installed; then
	[ -e "$N8N_DIR" ] && say "the n8n $N8N_VERSION install in $N8N_DIR is incomplete: reinstalling it"
	install_n8n
fi
# Another n8n in the cache with the same sqlite3 version has a binding built for this Node already: reuse it
# (the compile is the slowest part of a second install).
reuse_sqlite() {
	local version other
	version="$(node -p "require('$N8N_DIR/node_modules/sqlite3/package.json').version" 2>/dev/null)" || return 1
	for other in "$CACHE"/n8n-*/node_modules/sqlite3; do
		[ "$other" != "$N8N_DIR/node_modules/sqlite3" ] && [ -d "$other/build" ] || continue
		[ "$(node -p "require('$other/package.json').version" 2>/dev/null)" = "$version" ] || continue
		rm -rf "$N8N_DIR/node_modules/sqlite3/build" && cp -r "$other/build" "$N8N_DIR/node_modules/sqlite3/build"
		sqlite_ok && { say "reused the sqlite3 $version binding from $(dirname "$(dirname "$other")")"; return 0; }
	done
	return 1
}
if ! sqlite_ok; then
	say "sqlite3 does not load under Node $NODE24_VERSION yet"
	reuse_sqlite || build_sqlite
fi
if ! n8n_ok; then
	say "n8n $N8N_VERSION in $N8N_DIR does not answer --version (a damaged cache?): reinstalling it"
	install_n8n
	build_sqlite
	n8n_ok || fail "n8n $N8N_VERSION does not start: $("$N8N_BIN" --version 2>&1 | tail -n 5)"
fi
# INSTALL_N8N_QUIET=1 (set by the test harness, which calls this once per test file): say "ready" only after work.
if [ "$DID_WORK" = 1 ] || [ -z "${INSTALL_N8N_QUIET:-}" ]; then
	say "n8n $N8N_VERSION ready on Node $("$NODE_BIN_DIR/node" --version) (cache: $CACHE)"
fi
echo "NODE_BIN_DIR=$NODE_BIN_DIR"
echo "N8N_BIN=$N8N_BIN"
