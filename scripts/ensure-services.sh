#!/usr/bin/env bash
# Starts MariaDB, PostgreSQL and RabbitMQ when they are down, and waits until each answers.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # name port seconds
  for _ in $(seq 1 "$3"); do port_open "$2" && return 0; sleep 1; done
  echo "$1 did not open port $2 within $3 s" >&2
  return 1
}

if ! port_open 3306; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port MariaDB 3306 60
fi

if ! port_open 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_port PostgreSQL 5432 60
fi

if ! port_open 5672; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached
  wait_port RabbitMQ 5672 120
fi
rabbitmqctl -q await_startup >/dev/null 2>&1 || true
echo "services up: MariaDB :3306, PostgreSQL :5432, RabbitMQ :5672"
