#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine with Node 20: npm packages, the
# build, and (as root) Docker from Debian with a running dockerd.
# Safe to run again: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# 1. npm packages, when package-lock.json changed since the last install.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
# tap runs the compiled tests with only the plugins they use (.taprc `plugin`).
# tap would rebuild its runner on the first run anyway; doing it here keeps the
# rebuild out of the test run. Its signature names the plugins it was built with.
if grep -qE '@tapjs/(typescript|mock|snapshot)' node_modules/@tapjs/test/test-built/dist/esm/index.js 2>/dev/null; then
  log "building tap's runner with the plugins the tests use"
  npx tap build >/dev/null
fi

# 2. Docker: install docker.io from Debian where dockerd is missing, start it when none answers.
docker_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }
if [ "$(id -u)" = 0 ]; then
  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing docker.io from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io >/dev/null
  fi
  if ! docker_answers; then
    log "starting dockerd"
    nohup dockerd --iptables=false --ip-masq=false --bridge=none >/var/log/sealgate-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do docker_answers && break; sleep 1; done
    docker_answers || { log "dockerd did not start; see /var/log/sealgate-dockerd.log"; exit 1; }
  fi
elif ! docker_answers; then
  log "no dockerd answers and not root: tests that need Docker will fail; run this as root once"
fi

# 3. The build, and `sealgate` on the project's npx path.
log "building"
npx tsc -b
chmod +x dist/bin/sealgate.js
ln -sf ../../dist/bin/sealgate.js node_modules/.bin/sealgate
