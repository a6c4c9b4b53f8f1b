#!/usr/bin/env bash
# A MariaDB primary and a GTID replica of it on this machine, beside the machine's own server on 3306 (which
# it never touches): two mariadbd processes with their own ports, data folders, sockets and pid files.
#
#   scripts/mariadb-replica.sh start           initialise (first time), start both, make the second a replica; print the URLs
#   scripts/mariadb-replica.sh stop            stop both (by the pids this script recorded)
#   scripts/mariadb-replica.sh stop-replica    stop the replica alone (SIGTERM: a clean shutdown)
#   scripts/mariadb-replica.sh start-replica   start it again; it resumes from its GTID position and catches up
#   scripts/mariadb-replica.sh urls            print MYSQL_URL and MYSQL_READ_URL (database delivery_system)
#
# Settings (environment):
#   MARIADB_PAIR_DIR     data folders, sockets, logs, pid files (default: .data/mariadb-pair in the repo)
#   MARIADB_PAIR_PORTS   the primary's and the replica's port (default: "3407 3408")
#
# Users: root without a password from 127.0.0.1 on both (as on this machine's server), and `replication`
# (password `replication`) for the replica's connection to the primary. For a real deployment, give them passwords.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${MARIADB_PAIR_DIR:-$ROOT/.data/mariadb-pair}"
read -r -a PORTS <<<"${MARIADB_PAIR_PORTS:-3407 3408}"
DATABASE=delivery_system

port_of() { [[ "$1" == primary ]] && echo "${PORTS[0]}" || echo "${PORTS[1]}"; }
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
sql() { # server statement...
  mariadb --no-defaults --protocol=socket --socket="$DIR/$1.sock" -uroot -N -B -e "$2"
}

initialise() { # server
  [[ -d "$DIR/$1/mysql" ]] && return 0
  # Once more on a fresh folder if the first bootstrap fails (it did once in CI, right after the fault tier
  # had stopped and restarted the machine's server); its log goes to stderr either way, as the folder may be
  # removed by the caller.
  for attempt in 1 2; do
    rm -rf "${DIR:?}/$1" && mkdir -p "$DIR/$1"
    mariadb-install-db --no-defaults --datadir="$DIR/$1" --user="$(id -un)" --auth-root-authentication-method=normal \
      --skip-test-db >"$DIR/$1-install.log" 2>&1 && return 0
    echo "mariadb-install-db failed for the $1 (attempt $attempt); the end of $DIR/$1-install.log:" >&2
    tail -n 20 "$DIR/$1-install.log" >&2
  done
  exit 1
}

start_server() { # server
  local server=$1 id
  if alive "$DIR/$server.pid"; then echo "$server already running (pid $(cat "$DIR/$server.pid"))"; return 0; fi
  [[ "$server" == primary ]] && id=1 || id=2
  local options=(
    --no-defaults --datadir="$DIR/$server" --port="$(port_of "$server")" --bind-address=127.0.0.1
    --socket="$DIR/$server.sock" --pid-file="$DIR/$server.mariadbd.pid" --log-error="$DIR/$server.err"
    --user="$(id -un)" --skip-name-resolve --server-id="$id"
    --log-bin=binlog --binlog-format=ROW --gtid-strict-mode=ON
    # Small, as the machine is shared: the test data is small.
    --innodb-buffer-pool-size=64M --innodb-log-file-size=32M --max-connections=200 --performance-schema=OFF
  )
  [[ "$server" == replica ]] && options+=(--read-only=ON --relay-log=relay --log-slave-updates=OFF --skip-slave-start=OFF)
  setsid /usr/sbin/mariadbd "${options[@]}" >"$DIR/$server.stdout" 2>&1 </dev/null &
  echo $! >"$DIR/$server.pid"
  for _ in $(seq 1 120); do
    sql "$server" 'SELECT 1' >/dev/null 2>&1 && return 0
    alive "$DIR/$server.pid" || { echo "$server exited; see $DIR/$server.err" >&2; exit 1; }
    sleep 0.25
  done
  echo "$server did not answer within 30 s; see $DIR/$server.err" >&2
  exit 1
}

stop_server() { # server
  local pidfile="$DIR/$1.pid"
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  kill -TERM "$(cat "$pidfile")"
  for _ in $(seq 1 120); do
    alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    sleep 0.25
  done
  kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

# Users are made on each server alone (sql_log_bin=0): the replica must not receive the primary's copy of them.
create_users() { # server
  sql "$1" "SET sql_log_bin = 0;
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    CREATE USER IF NOT EXISTS 'replication'@'127.0.0.1' IDENTIFIED BY 'replication';
    GRANT REPLICATION SLAVE ON *.* TO 'replication'@'127.0.0.1';"
}

urls() {
  echo "MYSQL_URL=mysql://root@127.0.0.1:${PORTS[0]}/$DATABASE"
  echo "MYSQL_READ_URL=mysql://root@127.0.0.1:${PORTS[1]}/$DATABASE"
}

case "${1:-}" in
  start)
    mkdir -p "$DIR"
    both() { # step: on both servers at once, failing when either fails
      "$1" primary & local first=$!
      "$1" replica & local second=$!
      wait "$first" && wait "$second"
    }
    both initialise
    both start_server
    create_users primary
    create_users replica
    if [[ -z "$(sql replica 'SHOW REPLICA STATUS')" ]]; then
      # A fresh pair: the replica starts from the primary's first GTID and applies everything since.
      sql replica "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${PORTS[0]}, MASTER_USER='replication',
        MASTER_PASSWORD='replication', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START REPLICA;"
    fi
    urls
    ;;
  stop)
    stop_server replica
    stop_server primary
    ;;
  stop-replica) stop_server replica ;;
  start-replica) start_server replica ;;
  urls) urls ;;
  *)
    sed -n '2,17p' "$0" >&2
    exit 2
    ;;
esac
