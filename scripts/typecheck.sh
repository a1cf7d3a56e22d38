#!/usr/bin/env bash
# Type-check every TypeScript project; report all of them, fail at the end if any failed.
# tsc is single-threaded: two projects at a time (2 cores), each one's output printed whole, in order.
cd "$(dirname "$0")/.."
projects=(cloud/tsconfig.json tsconfig.json web/tsconfig.json tests/tsconfig.json tests/miniprogram/tsconfig.json tests/weapp-simulate/tsconfig.json)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%s\n' "${!projects[@]}" | xargs -P "${TYPECHECK_JOBS:-2}" -I{} bash -c '
  p=$(sed -n "$(( {} + 1 ))p" <<< "$1")
  if npx --no-install tsc -p "$p" --noEmit > "$2/{}.log" 2>&1; then echo 0 > "$2/{}.rc"; else echo 1 > "$2/{}.rc"; fi
' _ "$(printf '%s\n' "${projects[@]}")" "$out"
failed=0
for i in "${!projects[@]}"; do
  cat "$out/$i.log"
  if [ "$(cat "$out/$i.rc" 2>/dev/null)" = 0 ]; then
    echo "[typecheck] ok      ${projects[$i]}"
  else
    echo "[typecheck] FAILED  ${projects[$i]}"
    failed=1
  fi
done
exit $failed
