#!/usr/bin/env bash
# Debian packages that some test suites need: Redis and PostgreSQL (queue mode: test/e2e/queue*), Chromium (browser
# tests). Without them those suites are reported as skipped, loudly. `.ci/run` calls this so CI runs everything.
# Usage: sudo bash scripts/install-system-packages.sh   (idempotent; a few minutes on a fresh machine)
set -euo pipefail
PACKAGES=(redis-server postgresql chromium fonts-liberation)
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
started=$SECONDS
echo "[system-packages] apt-get update"
$SUDO apt-get update -qq
echo "[system-packages] apt-get install ${PACKAGES[*]}"
# The packages' own service start-up is not needed (the suites start throwaway servers) and fails without systemd.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" > /tmp/n8n-nodes-jas-apt.log 2>&1 \
	|| { tail -n 30 /tmp/n8n-nodes-jas-apt.log; echo "[system-packages] apt-get install failed (log above)"; exit 1; }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
for check in "redis-server --version" "$PG_BIN/postgres --version" "chromium --version"; do
	# chromium's wrapper script prints shell noise before its version: keep the last line
	out=$($check 2>/dev/null | tail -n 1) && [ -n "$out" ] || { echo "[system-packages] '$check' failed"; exit 1; }
	echo "[system-packages] $out"
done
echo "[system-packages] ready in $((SECONDS - started)) s"
