#!/usr/bin/env bash
# Scripted checks of the mistakes a newcomer makes with the README's commands, each asserting the message and the
# exit code (run by .ci/run after `npm test`; needs `npm ci` done and the n8n cache ready):
#   1. `npm test` / `npm run demo` before `npm ci`      -> "Run `npm ci` first", exit != 0
#   2. `npm run demo -- --ui` with the editor port busy -> "already in use", exit != 0, fast
#   3. `npm run demo -- --ui`, then SIGTERM to npm      -> n8n, its task runner and the simulators stop; ports free
#   4. `npm run demo -- --ui`, then Ctrl-C (SIGINT to the terminal's process group) -> the same
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TMP="$(mktemp -d /tmp/newcomer.XXXXXX)"
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

passed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
die() { echo "FAIL $*"; [ -n "${LOG:-}" ] && [ -f "$LOG" ] && tail -n 30 "$LOG"; exit 1; }

free_port() { node -e 'const s=require("net").createServer();s.listen(0,()=>{console.log(s.address().port);s.close()})'; }
listening() { node -e 'const c=require("net").connect(+process.argv[1],"127.0.0.1");c.on("connect",()=>process.exit(0));c.on("error",()=>process.exit(1))' "$1"; }
wait_for_line() { # file pattern seconds pid
	local deadline=$((SECONDS + $3))
	while [ $SECONDS -lt $deadline ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$4" 2>/dev/null || return 1
		sleep 1
	done
	return 1
}
wait_exit() { # pid seconds
	local deadline=$((SECONDS + $2))
	while kill -0 "$1" 2>/dev/null; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.5; done
}

# 1. Before npm ci: a copy of the tracked files, without node_modules.
mkdir -p "$TMP/fresh"
git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$TMP/fresh"
for command in "npm test" "npm run demo"; do
	LOG="$TMP/fresh.log"
	status=0
	(cd "$TMP/fresh" && $command) >"$LOG" 2>&1 || status=$?
	[ "$status" -ne 0 ] || die "$command before npm ci exited 0"
	grep -q 'Run `npm ci` first' "$LOG" || die "$command before npm ci did not say to run npm ci first"
	ok "$command before npm ci: exit $status, says to run npm ci first"
done

# 2. Editor port busy.
PORT=$(free_port)
node -e 'require("net").createServer().listen(+process.argv[1])' "$PORT" &
PIDS+=($!)
disown "$!" 2>/dev/null || true
sleep 1
LOG="$TMP/busy.log"
status=0
timeout 180 npm run demo -- --ui --port "$PORT" >"$LOG" 2>&1 || status=$?
[ "$status" -ne 0 ] && [ "$status" -ne 124 ] || die "demo --ui on a busy port exited $status"
grep -q "port $PORT is already in use" "$LOG" || die "demo --ui on a busy port did not name the port"
ok "demo --ui with port $PORT busy: exit $status, 'port $PORT is already in use'"

# 3 and 4. Stopping the editor: SIGTERM to npm; SIGINT to the whole process group (what Ctrl-C does).
stop_check() {
	local how="$1"
	PORT=$(free_port)
	LOG="$TMP/ui-$how.log"
	setsid npm run demo -- --ui --port "$PORT" >"$LOG" 2>&1 &
	local npm_pid=$!
	PIDS+=("$npm_pid")
	wait_for_line "$LOG" "n8n editor ready" 600 "$npm_pid" || die "demo --ui never said the editor is ready"
	listening "$PORT" || die "the editor port $PORT is not listening after 'ready'"
	local sims
	sims=$(grep -o 'http://127.0.0.1:[0-9]*' "$LOG" | head -n 3 | sed 's/.*://')
	[ -n "$sims" ] || die "the demo did not print the simulator URLs"
	if [ "$how" = sigterm ]; then kill -TERM "$npm_pid"; else kill -INT -- "-$npm_pid"; fi
	wait_exit "$npm_pid" 60 || die "npm run demo did not end within 60 s of $how"
	# npm may return a moment before the demo's last line (seen on a loaded CI machine): give it 30 s to finish.
	local deadline=$((SECONDS + 30))
	until grep -q "Stopped n8n and the simulators" "$LOG"; do
		[ $SECONDS -lt $deadline ] || die "the demo did not say it stopped everything"
		sleep 0.5
	done
	sleep 1
	for port in "$PORT" $sims; do
		listening "$port" && die "port $port still answers after $how"
	done
	pgrep -f "${JAS_N8N_CACHE:-$HOME/.cache/n8n-nodes-jas}/" >/dev/null && die "a process of the cached n8n (n8n or its task runner) is still running after $how"
	ok "demo --ui stopped by $how: editor port $PORT and simulator ports $(echo $sims | tr ' ' ',') freed, no n8n left"
}
stop_check sigterm
stop_check sigint

echo "newcomer checks: $passed passed"
