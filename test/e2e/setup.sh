#!/usr/bin/env bash
# Installs what the E2E tests need, idempotently: Debian's chromium, code-server 4.100.3 (VS Code
# 1.100.3, the last release that runs on Node 20) from npm into test/e2e/harness. Works with only
# the npm registry and Debian's mirrors reachable; the offline pitfalls are in
# ../shared/vscode-e2e/README.md. Run as root (apt) or with the packages already installed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HARNESS="$HERE/harness"

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)   # code-server's kerberos module builds from source offline
command -v rg >/dev/null || need+=(ripgrep)                   # seeds @vscode/ripgrep's download cache, below
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
fi

if [ -f "$HARNESS/node_modules/.lockpath-installed" ]; then exit 0; fi
# @vscode/ripgrep@1.15.11 downloads rg from GitHub in its postinstall unless its cache already
# holds the archive: give it Debian's rg (the same 13.0.0).
cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
# unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty runs `npx node-gyp`.
( cd "$HARNESS" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm ci --no-audit --no-fund --foreground-scripts > "$HARNESS/install.log" 2>&1 ) \
  || { tail -40 "$HARNESS/install.log"; exit 1; }
touch "$HARNESS/node_modules/.lockpath-installed"
