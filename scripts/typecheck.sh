#!/usr/bin/env bash
# Type-check every TypeScript project; report all of them, fail at the end if any failed.
cd "$(dirname "$0")/.."
failed=0
for project in cloud/tsconfig.json tsconfig.json web/tsconfig.json tests/tsconfig.json tests/miniprogram/tsconfig.json tests/weapp-simulate/tsconfig.json; do
  if npx --no-install tsc -p "$project" --noEmit; then
    echo "[typecheck] ok      $project"
  else
    echo "[typecheck] FAILED  $project"
    failed=1
  fi
done
exit $failed
