#!/usr/bin/env bash
# Make sure the system programs the test command drives are present: Chromium (e2e tests) and
# MariaDB (the MySQL-protocol test database), Redis (the shared limit store's test). On a fresh Debian/Ubuntu machine, as root, install
# them with apt; otherwise say exactly what is missing and stop.
set -euo pipefail

log() { printf '[deps] %s\n' "$*" >&2; }

have_bin() { # name — also looks in /usr/sbin, which is not on a normal user's PATH
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]
}

missing_pkgs() {
  local pkgs=()
  [ -x /usr/bin/chromium ] || pkgs+=(chromium)
  # a CJK font, or Chinese renders as empty boxes in the e2e screenshots
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || pkgs+=(fonts-wqy-microhei)
  if ! have_bin mariadbd || ! have_bin mariadb-install-db || ! have_bin mariadb-admin || ! have_bin mariadb; then
    pkgs+=(mariadb-server)
  fi
  # the chain-wide limits' Redis store (core/limits) is tested against a private redis-server
  have_bin redis-server || pkgs+=(redis-server)
  # better-sqlite3 compiles from source during `npm install` when no prebuilt binary is reachable.
  if [ ! -d node_modules ]; then
    if ! have_bin make || ! have_bin g++ || ! have_bin python3; then pkgs+=(build-essential python3); fi
  fi
  echo "${pkgs[@]+"${pkgs[@]}"}"
}

pkgs=$(missing_pkgs)
if [ -z "$pkgs" ]; then
  exit 0
fi

explain() {
  log "missing system packages: $pkgs"
  log "install them, then run the tests again:"
  log "  sudo apt-get update && sudo apt-get install -y $pkgs"
  log "(other systems: install Chromium at /usr/bin/chromium and MariaDB 10.11+ server with mariadb-install-db)"
}

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  explain
  exit 1
fi

log "installing: $pkgs (apt-get, non-interactive)"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is intended
if ! { apt-get -o DPkg::Lock::Timeout=600 update -q \
       && apt-get -o DPkg::Lock::Timeout=600 install -y -q $pkgs; } >&2; then
  log "apt-get failed"
  explain
  exit 1
fi

pkgs=$(missing_pkgs)
if [ -n "$pkgs" ]; then
  log "still missing after apt-get install"
  explain
  exit 1
fi
log "system packages ready"
