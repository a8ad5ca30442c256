#!/usr/bin/env bash
# What `npm test` needs besides node_modules, installed when missing (a no-op when present), so the
# README's test command works on a fresh machine: the real-VS-Code runtime (Debian chromium,
# code-server, Node 24, playwright-core: test/harness/install-runtime.sh) and Debian's numpy and
# scipy, which the file-format tests read our files back with. Debian packages and the npm
# registry only. Not root: the apt part is skipped with a note (those tests then skip, except under
# CI=true, where they fail).
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/harness/install-runtime.sh "${VSCODE_RUNTIME:-$HOME/.cache/vscode-runtime}"

if ! /usr/bin/python3 -c 'import numpy, scipy' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "[test setup] apt-get install python3-numpy python3-scipy" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3-numpy python3-scipy >/dev/null
  else
    echo "[test setup] not root: install python3-numpy and python3-scipy for the numpy cross-checks" >&2
  fi
fi
