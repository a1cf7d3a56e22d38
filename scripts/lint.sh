#!/usr/bin/env bash
# The lint step of `npm test` (after the type check): module boundaries (dependency-cruiser, rules in
# .dependency-cruiser.cjs), ESLint (eslint.config.mjs) and Prettier (.prettierrc.json). Every tool
# runs; the exit code is non-zero if any found something.
# No baseline of known violations: every boundary rule holds on the whole tree.
cd "$(dirname "$0")/.."
DEPCRUISE_SCOPE=(cloud/src cloud/simulator contracts src web/admin web/sidebar web/shared)
failed=0
run() {
  local name=$1; shift
  if "$@"; then echo "[lint] ok      $name"; else echo "[lint] FAILED  $name"; failed=1; fi
}
run dependency-cruiser npx --no-install depcruise "${DEPCRUISE_SCOPE[@]}" --config .dependency-cruiser.cjs --output-type err
run eslint npx --no-install eslint --max-warnings 0 .
run prettier npx --no-install prettier --check --log-level warn .
exit $failed
