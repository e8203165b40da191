#!/usr/bin/env bash
# The whole test suite: lint, type-check and build, every tap test (with
# coverage), and the coverage floor of the trust kernel. Ends with the line
# `N passed, N failed`, counting each named test and each check.
set -uo pipefail
cd "$(dirname "$0")/.."
# A CA bundle named in NODE_EXTRA_CA_CERTS is read by every Node process at start-up, before
# any of its code runs: 0.1 s of CPU each with Debian's bundle on the CI machine, and the suite
# starts a Node process for every gateway, CLI call, node agent and model. No test makes a TLS
# connection that needs it (test nodes and gateways trust their own CAs), and setup, which
# fetches npm packages, has already run.
unset NODE_EXTRA_CA_CERTS

passed=0
failed=0
check() { # name command...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    printf 'check ok: %s\n' "$name"
  else
    failed=$((failed + 1))
    printf 'check FAILED: %s\n' "$name"
  fi
}

check 'type-check and build (project references enforce DESIGN.md section 3)' npx tsc -b
mkdir -p .tap
# Lint runs beside the tests (it needs only the sources; the tests need the build above).
(npm run --silent lint >.tap/lint.log 2>&1; echo $? >.tap/lint.rc) &
lint_pid=$!

npx tap --reporter=tap 2>&1 | tee .tap/run.tap
read -r tap_passed tap_failed < <(node scripts/tap-count.js .tap/run.tap)

wait "$lint_pid"
cat .tap/lint.log
check 'lint (typescript-eslint, import boundaries, prettier)' test "$(cat .tap/lint.rc)" = 0
passed=$((passed + tap_passed))
failed=$((failed + tap_failed))

check 'line coverage of attest/ and policies/ is at least 95%' \
  node scripts/coverage-floor.js .tap/report/coverage-summary.json 95 attest policies

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
