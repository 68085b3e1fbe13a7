#!/usr/bin/env bash
# E2E tests of the packaged extension in a real VS Code: builds the VSIX, installs it into
# code-server 4.100.3 (test/e2e/harness, installed by setup.sh), opens a copy of the fixture
# tree test/fixtures/c/kernel-like and drives the workbench with playwright-core and Debian's
# chromium (test/e2e/*.e2e.ts). Screenshots, timings and VS Code's logs go to
# test/e2e/artifacts/ (or $E2E_ARTIFACTS). Recipe and pitfalls: ../shared/vscode-e2e/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/test/e2e"
OUT="${E2E_ARTIFACTS:-$HERE/artifacts}"
# A free port unless told: two worktrees may run their E2E tests at once.
PORT="${E2E_PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
CS="$HERE/harness/node_modules/code-server/out/node/entry.js"

# Outside CI, a machine without the harness and no root to install it skips, saying so.
if [ -z "${CI:-}" ] && [ "$(id -u)" != 0 ] && { [ ! -x /usr/bin/chromium ] || [ ! -f "$HERE/harness/node_modules/.lockpath-installed" ]; }; then
  echo "E2E tests skipped: chromium or code-server missing; run 'sudo bash test/e2e/setup.sh' once"
  exit 0
fi
bash "$HERE/setup.sh"
cd "$ROOT"
version="$(node -p 'require("./package.json").version')"
npm run -s package </dev/null >/dev/null
node esbuild.mjs --e2e

R="$(mktemp -d "${TMPDIR:-/tmp}/lockpath-e2e.XXXXXX")"
rm -rf "$OUT"; mkdir -p "$OUT" "$R/ud/User" "$R/ext" "$R/ws" "$R/tmp"
cp -r test/fixtures/c/kernel-like/. "$R/ws/"
# A MAINTAINERS file at the root: the workspace is a kernel tree, so the extension activates
# (workspaceContains) and scans by itself.
printf 'LOCKPATH E2E FIXTURE\n' > "$R/ws/MAINTAINERS"
cp "$HERE/settings.json" "$R/ud/User/settings.json"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$R/config.yaml"
# code-server and chromium write to $HOME and /tmp even with explicit dirs: keep them in $R.
export XDG_DATA_HOME="$R/xdg-data" XDG_CONFIG_HOME="$R/xdg-config" XDG_CACHE_HOME="$R/xdg-cache" TMPDIR="$R/tmp"

node "$CS" --config "$R/config.yaml" --user-data-dir "$R/ud" --extensions-dir "$R/ext" \
  --install-extension "$ROOT/lockpath-$version.vsix" > "$OUT/install-extension.log" 2>&1 \
  || { cat "$OUT/install-extension.log"; exit 1; }

# Own process group, so that teardown also ends the extension host and the index server.
setsid node "$CS" --config "$R/config.yaml" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$R/ud" --extensions-dir "$R/ext" "$R/ws" > "$OUT/code-server.log" 2>&1 &
pid=$!
teardown() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  cp -r "$R/ud/logs" "$OUT/vscode-logs" 2>/dev/null || true
  rm -rf "$R"
}
trap teardown EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "code-server did not start"; cat "$OUT/code-server.log"; exit 1; }

# E2E_ONLY=out/e2e/workbench.e2e.test.js runs one suite (while working on it).
CS_URL="http://127.0.0.1:$PORT" WS="$R/ws" OUT="$OUT" \
  node --test --test-reporter=spec --test-concurrency=1 --test-timeout=600000 "${E2E_ONLY:-out/e2e/}"
