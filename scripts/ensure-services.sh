#!/usr/bin/env bash
# Starts MariaDB, PostgreSQL and RabbitMQ when they are down, and waits until each answers.
# --if-services-mode (used by `pnpm start`): act only when DELIVERY_MODE=services. Otherwise `start all`
# decides: the services when one answers, else the embedded mode, so nothing is started behind the back
# of someone who has none running. Without the flag (tests) every service must come up.
set -euo pipefail

if [[ "${1:-}" == "--if-services-mode" && "${DELIVERY_MODE:-}" != "services" ]]; then exit 0; fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # name port seconds
  for _ in $(seq 1 "$3"); do port_open "$2" && return 0; sleep 1; done
  echo "$1 did not open port $2 within $3 s" >&2
  return 1
}

installed() { # name command
  command -v "$2" >/dev/null 2>&1 && return 0
  echo "$1 is not installed ($2 not found)" >&2
  exit 1
}

up=()
if port_open 3306; then up+=("MariaDB :3306"); elif installed MariaDB /usr/sbin/mariadbd; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port MariaDB 3306 60
  up+=("MariaDB :3306")
fi

if port_open 5432; then up+=("PostgreSQL :5432"); elif installed PostgreSQL pg_ctlcluster; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_port PostgreSQL 5432 60
  up+=("PostgreSQL :5432")
fi

if port_open 5672; then up+=("RabbitMQ :5672"); elif installed RabbitMQ rabbitmq-server; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached
  wait_port RabbitMQ 5672 120
  up+=("RabbitMQ :5672")
fi
if port_open 5672; then rabbitmqctl -q await_startup >/dev/null 2>&1 || true; fi
echo "services up: ${up[*]:-none}"
