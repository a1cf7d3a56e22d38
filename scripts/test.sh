#!/usr/bin/env bash
# The one test command (`npm test`): type checks, lint (module boundaries, ESLint, Prettier), cloud tests on SQLite and on a private MariaDB,
# the mini-program build + size check, its component and miniprogram-simulate tests, the full build,
# and the browser end-to-end tests on MariaDB. Every step runs even when an earlier one failed, so
# the summary is complete; the exit code is non-zero if anything failed. The last line is
# "N passed, N failed" (tests across all jest steps; failures also count failed non-jest steps).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# Each step chooses its database and mode explicitly; nothing from the caller's shell leaks in.
unset NODE_ENV DATABASE_URL TEST_MYSQL_URL E2E_DATABASE_URL

now_ms() { date +%s%3N; }
fmt_s() { awk -v ms="$1" 'BEGIN { s = ms / 1000; if (s >= 60) printf "%dm%04.1fs", s / 60, s - int(s / 60) * 60; else printf "%.1fs", s }'; }
banner() { printf '\n==> %s\n' "$*"; }

T_START=$(now_ms)

banner "system packages (chromium, mariadb-server)"
bash scripts/test/ensure-system-deps.sh

if [ ! -d node_modules ]; then
  banner "npm install (node_modules missing)"
  npm install --no-audit --no-fund
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hub-test.XXXXXX")
MARIADB_DIR=""
cleanup() {
  if [ -n "$MARIADB_DIR" ]; then bash scripts/test/mariadb.sh stop "$MARIADB_DIR" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
# Make Ctrl-C / SIGTERM go through the EXIT trap so MariaDB never outlives the run.
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Step bookkeeping

S_NAME=(); S_OK=(); S_PASS=(); S_FAIL=(); S_TIME=(); S_NOTE=()
FAILED_TESTS=()

record() { # name ok(1/0) passed failed ms note
  S_NAME+=("$1"); S_OK+=("$2"); S_PASS+=("$3"); S_FAIL+=("$4"); S_TIME+=("$5"); S_NOTE+=("$6")
}

# step NAME CMD... — a non-jest step: ok when the command exits 0.
step() {
  local name=$1; shift
  banner "$name"
  local t0 rc=0
  t0=$(now_ms)
  "$@" || rc=$?
  local ms=$(( $(now_ms) - t0 ))
  if [ $rc = 0 ]; then record "$name" 1 - - "$ms" ""; else record "$name" 0 - - "$ms" "exit $rc"; fi
  printf '<== %s: %s (%s)\n' "$name" "$([ $rc = 0 ] && echo ok || echo "FAILED, exit $rc")" "$(fmt_s "$ms")"
}

# fail_step NAME REASON — a step that cannot run at all still shows up as failed.
fail_step() {
  banner "$1"
  echo "FAILED: $2" >&2
  record "$1" 0 - - 0 "$2"
}

# jest_step NAME CONFIG [VAR=value ...] — runs jest with CONFIG, totals its tests from --json.
jest_step() {
  local name=$1 config=$2; shift 2
  if [ ! -f "$config" ]; then
    fail_step "$name" "$config does not exist"
    return
  fi
  banner "$name  (jest -c $config)"
  local json="$WORK/jest-${#S_NAME[@]}.json" t0 rc=0
  t0=$(now_ms)
  env "$@" npx --no-install jest -c "$config" --maxWorkers=2 --forceExit --json --outputFile="$json" || rc=$?
  local ms=$(( $(now_ms) - t0 ))
  local passed=0 failed=0 names=""
  if [ -s "$json" ]; then
    read -r passed failed < <(node -e '
      const r = require(process.argv[1]);
      console.log(r.numPassedTests, r.numFailedTests);' "$json")
    names=$(node -e '
      const r = require(process.argv[1]);
      for (const f of r.testResults) {
        const file = require("path").relative(process.cwd(), f.name);
        if (f.status === "failed" && f.assertionResults.every((a) => a.status !== "failed")) console.log(`${file}: ${(f.message || "suite failed to run").split("\n").find((l) => l.trim()) || ""}`.slice(0, 200));
        for (const a of f.assertionResults) if (a.status === "failed") console.log(`${file}: ${a.fullName}`.slice(0, 200));
      }' "$json")
  fi
  if [ -n "$names" ]; then
    while IFS= read -r line; do FAILED_TESTS+=("[$name] $line"); done <<<"$names"
  fi
  local note=""
  if [ $rc != 0 ] && [ "$failed" = 0 ]; then
    # Suites that fail to load, "no tests found", crashes: no failed test to count, so count one.
    failed=1
    note="jest exit $rc"
    [ -s "$json" ] || note="jest exit $rc, no results"
  fi
  record "$name" "$([ $rc = 0 ] && echo 1 || echo 0)" "$passed" "$failed" "$ms" "$note"
  printf '<== %s: %s passed, %s failed (%s)\n' "$name" "$passed" "$failed" "$(fmt_s "$ms")"
}

# ---------------------------------------------------------------------------------------------
# Private MariaDB for the MySQL-protocol steps

MYSQL_URL=""
# Its data directory lives in RAM (/dev/shm) when there is one: every cloud test file and every e2e
# server start creates a database and runs the migrations (~150 DDL statements, each one fsyncs on a
# disk). Measured on this 2-core box at load ~25: an app start on MariaDB 13-15 s + 3-4 s to drop the
# database on disk, 2-3 s + 0.1 s in RAM. A test database is thrown away after the run anyway; the
# benchmarks keep theirs on disk (fsync is part of what they measure).
ram_tmpdir() {
  if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 2097152 ] 2>/dev/null; then
    echo /dev/shm
  else
    echo "${TMPDIR:-/tmp}"
  fi
}
start_mariadb() {
  local state
  state=$(TMPDIR=$(ram_tmpdir) bash scripts/test/mariadb.sh start) || return 1
  eval "$state"
  bash scripts/test/mariadb.sh createdb "$MARIADB_DIR" hub_e2e || return 1
  MYSQL_URL=$MARIADB_URL
  echo "MariaDB: $MYSQL_URL (database hub_e2e for the e2e step)"
}
step "start MariaDB" start_mariadb

# ---------------------------------------------------------------------------------------------
# Steps

step "typecheck" npm run --silent typecheck
step "lint (boundaries, ESLint, Prettier)" npm run --silent lint

jest_step "cloud tests (SQLite)" cloud/jest.config.js

if [ -n "$MYSQL_URL" ]; then
  jest_step "cloud tests (MariaDB)" cloud/jest.config.js "TEST_MYSQL_URL=$MYSQL_URL"
else
  fail_step "cloud tests (MariaDB)" "MariaDB did not start"
fi

# The production weapp bundle is what ships; size limits and miniprogram-simulate check that one.
step "build weapp (production)" env NODE_ENV=production npm run --silent build:weapp
step "weapp size check" npm run --silent size:weapp

jest_step "mini-program component tests" tests/miniprogram/jest.config.js
jest_step "weapp-simulate tests" tests/weapp-simulate/jest.config.js

step "build (cloud + h5 + web)" npm run --silent build

# The built server as an operator deploys it: NODE_ENV=production, migrate + admin CLI, two
# instances on one database, the HTTP cloud function (tests/production, needs the build above).
if [ -n "$MYSQL_URL" ]; then
  jest_step "production mode (MariaDB)" tests/production/jest.config.js "TEST_MYSQL_URL=$MYSQL_URL"
else
  fail_step "production mode (MariaDB)" "MariaDB did not start"
fi

if [ -n "$MYSQL_URL" ]; then
  jest_step "e2e (Chromium, MariaDB)" tests/e2e/jest.config.js "E2E_DATABASE_URL=${MYSQL_URL}hub_e2e"
else
  fail_step "e2e (Chromium, MariaDB)" "MariaDB did not start"
fi

# ---------------------------------------------------------------------------------------------
# Summary

TOTAL_MS=$(( $(now_ms) - T_START ))
total_pass=0
total_fail=0
any_failed=0
printf '\n%s\n' "================================================================================"
printf '%-32s %-6s %8s %8s %10s  %s\n' "step" "result" "passed" "failed" "time" "note"
printf '%s\n' "--------------------------------------------------------------------------------"
for i in "${!S_NAME[@]}"; do
  result=ok
  if [ "${S_OK[$i]}" != 1 ]; then result=FAIL; any_failed=1; fi
  pass=${S_PASS[$i]}; fail=${S_FAIL[$i]}
  if [ "$pass" != - ]; then total_pass=$(( total_pass + pass )); fi
  if [ "$fail" != - ]; then
    total_fail=$(( total_fail + fail ))
  elif [ "$result" = FAIL ]; then
    total_fail=$(( total_fail + 1 ))
  fi
  printf '%-32s %-6s %8s %8s %10s  %s\n' "${S_NAME[$i]}" "$result" "$pass" "$fail" "$(fmt_s "${S_TIME[$i]}")" "${S_NOTE[$i]}"
done
printf '%s\n' "--------------------------------------------------------------------------------"
printf '%-32s %-6s %8s %8s %10s\n' "total" "$([ $any_failed = 0 ] && echo ok || echo FAIL)" "$total_pass" "$total_fail" "$(fmt_s "$TOTAL_MS")"
if [ ${#FAILED_TESTS[@]} -gt 0 ]; then
  printf '\nfailed tests:\n'
  for line in "${FAILED_TESTS[@]:0:40}"; do printf '  %s\n' "$line"; done
  [ ${#FAILED_TESTS[@]} -le 40 ] || printf '  … and %d more\n' $(( ${#FAILED_TESTS[@]} - 40 ))
fi
printf '\n%d passed, %d failed\n' "$total_pass" "$total_fail"
[ $any_failed = 0 ]
