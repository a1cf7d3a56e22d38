#!/usr/bin/env bash
# A private, throw-away MariaDB server for tests and benchmarks (never touches a system instance:
# every call uses --no-defaults and its own data dir, socket and port).
#
#   mariadb.sh start              -> prints shell assignments on stdout (eval them):
#                                    MARIADB_DIR, MARIADB_PORT, MARIADB_SOCKET, MARIADB_PID, MARIADB_URL
#   mariadb.sh createdb DIR NAME  -> CREATE DATABASE NAME (utf8mb4) as root over the socket
#   mariadb.sh stop DIR           -> shut the server down and delete DIR
#
# Env: MARIADB_PORT (default: a spare port chosen by the OS), TMPDIR.
# User hub/hub gets ALL privileges so the app and test suites can create/drop their databases.
set -euo pipefail

log() { printf '[mariadb] %s\n' "$*" >&2; }

# Debian puts the server binaries in /usr/sbin, which is not on a normal user's PATH.
find_bin() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    if [ -x "/usr/sbin/$name" ]; then echo "/usr/sbin/$name"; return 0; fi
    if [ -x "/usr/bin/$name" ]; then echo "/usr/bin/$name"; return 0; fi
  done
  return 1
}

spare_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

client() { # client DIR [args...] — root over the unix socket, no config files read
  local dir=$1; shift
  "$MARIADB_CLIENT" --no-defaults --protocol=socket --socket="$dir/mysqld.sock" -uroot "$@"
}

stop_server() {
  local dir=$1 pid=""
  [ -f "$dir/mariadbd.pid" ] && pid=$(cat "$dir/mariadbd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # Polite shutdown first (flushes InnoDB quickly); SIGTERM / SIGKILL if it hangs.
    "$MARIADB_ADMIN" --no-defaults --protocol=socket --socket="$dir/mysqld.sock" -uroot \
      --connect-timeout=2 shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "server $pid did not stop in 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  # Only ever delete a directory this script created.
  if [ -f "$dir/.hub-mariadb" ]; then rm -rf "$dir"; fi
}

MARIADBD=$(find_bin mariadbd mysqld) || { log "mariadbd not found (install the Debian package mariadb-server)"; exit 1; }
MARIADB_INSTALL_DB=$(find_bin mariadb-install-db mysql_install_db) || { log "mariadb-install-db not found"; exit 1; }
MARIADB_ADMIN=$(find_bin mariadb-admin mysqladmin) || { log "mariadb-admin not found"; exit 1; }
MARIADB_CLIENT=$(find_bin mariadb mysql) || { log "mariadb client not found"; exit 1; }

cmd=${1:-}
case "$cmd" in
  start)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/hub-mariadb.XXXXXX")
    touch "$dir/.hub-mariadb"
    # If anything below fails, leave nothing behind.
    trap 'status=$?; if [ $status -ne 0 ]; then log "start failed; last server log lines:"; tail -n 20 "$dir/server.log" >&2 2>/dev/null || true; stop_server "$dir"; fi' EXIT
    port=${MARIADB_PORT:-$(spare_port)}
    user_args=()
    if [ "$(id -u)" = 0 ]; then user_args=(--user=root); fi

    started=$(date +%s.%N)
    "$MARIADB_INSTALL_DB" --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
      --skip-test-db "${user_args[@]}" >"$dir/install.log" 2>&1 || {
        log "mariadb-install-db failed:"; cat "$dir/install.log" >&2; exit 1; }

    "$MARIADBD" --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" \
      --pid-file="$dir/mariadbd.pid.server" --port="$port" --bind-address=127.0.0.1 \
      --default-time-zone=+00:00 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --skip-log-bin --innodb-flush-log-at-trx-commit=2 --skip-name-resolve --max-connections=500 \
      --log-error="$dir/server.log" "${user_args[@]}" </dev/null >>"$dir/server.log" 2>&1 &
    echo $! >"$dir/mariadbd.pid"
    pid=$(cat "$dir/mariadbd.pid")

    ready=0
    for _ in $(seq 1 300); do # 30 s
      if ! kill -0 "$pid" 2>/dev/null; then log "mariadbd exited during start-up"; exit 1; fi
      if "$MARIADB_ADMIN" --no-defaults --protocol=socket --socket="$dir/mysqld.sock" -uroot \
           --connect-timeout=1 ping >/dev/null 2>&1; then ready=1; break; fi
      sleep 0.1
    done
    [ $ready = 1 ] || { log "mariadbd not ready after 30 s"; exit 1; }

    client "$dir" <<'SQL'
CREATE USER 'hub'@'127.0.0.1' IDENTIFIED BY 'hub';
CREATE USER 'hub'@'localhost' IDENTIFIED BY 'hub';
CREATE USER 'hub'@'%' IDENTIFIED BY 'hub';
GRANT ALL PRIVILEGES ON *.* TO 'hub'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'hub'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'hub'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
    took=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    log "ready on 127.0.0.1:$port (pid $pid, dir $dir, ${took}s)"
    printf 'MARIADB_DIR=%q\nMARIADB_PORT=%q\nMARIADB_SOCKET=%q\nMARIADB_PID=%q\nMARIADB_URL=%q\n' \
      "$dir" "$port" "$dir/mysqld.sock" "$pid" "mysql://hub:hub@127.0.0.1:$port/"
    trap - EXIT
    ;;
  createdb)
    dir=${2:?usage: mariadb.sh createdb DIR NAME}
    name=${3:?usage: mariadb.sh createdb DIR NAME}
    [[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || { log "bad database name: $name"; exit 1; }
    client "$dir" -e "DROP DATABASE IF EXISTS \`$name\`; CREATE DATABASE \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    ;;
  stop)
    dir=${2:?usage: mariadb.sh stop DIR}
    stop_server "$dir"
    ;;
  *)
    echo "usage: $0 start | createdb DIR NAME | stop DIR" >&2
    exit 2
    ;;
esac
