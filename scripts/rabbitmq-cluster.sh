#!/usr/bin/env bash
# A three-node RabbitMQ cluster on this machine, beside the machine's own broker (which it never touches):
# its own node names, AMQP and distribution ports, data and log folders, Erlang cookie and config files.
#
#   scripts/rabbitmq-cluster.sh start            start the three nodes, join 2 and 3 to 1, print AMQP_URL
#   scripts/rabbitmq-cluster.sh stop             stop every node this folder's pid files name, then forget them
#   scripts/rabbitmq-cluster.sh stop-node N      stop node N (1-3) gracefully; --kill ends it with SIGKILL (a crash)
#   scripts/rabbitmq-cluster.sh start-node N     start node N again; it rejoins the cluster from its data folder
#   scripts/rabbitmq-cluster.sh await-quorum N   wait until stopping node N would leave every quorum queue a majority
#   scripts/rabbitmq-cluster.sh url              print AMQP_URL (every node, comma-separated)
#
# Settings (environment):
#   RABBITMQ_CLUSTER_DIR    data, logs, cookie and pid files (default: .data/rabbitmq-cluster in the repo)
#   RABBITMQ_CLUSTER_NAME   node name prefix: nodes are <name>-1@localhost .. <name>-3@localhost (default: delivery)
#   RABBITMQ_CLUSTER_PORTS  three AMQP ports (default: "5701 5702 5703"); each node's distribution port is
#                           RABBITMQ_CLUSTER_DIST_PORTS's entry (default: AMQP port + 20000)
#
# Only processes whose pids this script wrote to its own folder are ever signalled. The nodes register with
# the machine's epmd (127.0.0.1:4369), which the machine's broker shares; it is left running.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${RABBITMQ_CLUSTER_DIR:-$ROOT/.data/rabbitmq-cluster}"
NAME="${RABBITMQ_CLUSTER_NAME:-delivery}"
read -r -a PORTS <<<"${RABBITMQ_CLUSTER_PORTS:-5701 5702 5703}"
if [[ -n "${RABBITMQ_CLUSTER_DIST_PORTS:-}" ]]; then
  read -r -a DIST_PORTS <<<"$RABBITMQ_CLUSTER_DIST_PORTS"
else
  DIST_PORTS=("$((PORTS[0] + 20000))" "$((PORTS[1] + 20000))" "$((PORTS[2] + 20000))")
fi
# The Debian wrappers in /usr/sbin switch to the rabbitmq user and its home (the machine broker's cookie);
# the scripts under /usr/lib run as the caller with the HOME given here.
BIN=/usr/lib/rabbitmq/bin
[[ -x "$BIN/rabbitmq-server" ]] || BIN="$(dirname "$(command -v rabbitmq-server)")"

node_name() { echo "$NAME-$1@localhost"; }

# Runs a command with everything a node's server or CLI reads from the environment, so nothing comes from
# /etc/rabbitmq (whose listener is the machine broker's port 5672).
with_node_env() { # n command...
  local n=$1
  shift
  (
    export HOME="$DIR" \
      RABBITMQ_NODENAME="$(node_name "$n")" \
      RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
      RABBITMQ_NODE_PORT="${PORTS[$((n - 1))]}" \
      RABBITMQ_DIST_PORT="${DIST_PORTS[$((n - 1))]}" \
      RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq-env.conf" \
      RABBITMQ_CONFIG_FILE="$DIR/node-$n.conf" \
      RABBITMQ_ADVANCED_CONFIG_FILE="$DIR/advanced.config" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins" \
      RABBITMQ_MNESIA_BASE="$DIR/mnesia" \
      RABBITMQ_LOG_BASE="$DIR/log" \
      RABBITMQ_PID_FILE="$DIR/node-$n.beam.pid" \
      ERL_EPMD_ADDRESS=127.0.0.1 \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
    exec "$@"
  )
}

ctl() { # n args...
  local n=$1
  shift
  with_node_env "$n" "$BIN/rabbitmqctl" -n "$(node_name "$n")" -q "$@"
}

prepare() {
  mkdir -p "$DIR/log" "$DIR/mnesia"
  if [[ ! -f "$DIR/.erlang.cookie" ]]; then
    # A cookie of this cluster's own: its nodes and CLI calls share it; the machine's broker has another.
    head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 >"$DIR/.erlang.cookie"
    chmod 400 "$DIR/.erlang.cookie"
  fi
  : >"$DIR/rabbitmq-env.conf"
  echo '[].' >"$DIR/enabled_plugins"
  echo '[].' >"$DIR/advanced.config"
  for n in 1 2 3; do
    {
      echo "listeners.tcp.local = 127.0.0.1:${PORTS[$((n - 1))]}"
      echo "loopback_users.guest = true"
      # Small disk and memory marks: the machine is shared and the tests' messages are small.
      echo "disk_free_limit.absolute = 50MB"
    } >"$DIR/node-$n.conf"
  done
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_node() { # n
  local n=$1
  if alive "$DIR/node-$n.pid"; then echo "node $n already running (pid $(cat "$DIR/node-$n.pid"))"; return 0; fi
  # setsid: the node outlives this script and gets no terminal signals meant for it.
  with_node_env "$n" setsid "$BIN/rabbitmq-server" >"$DIR/log/node-$n.stdout" 2>&1 </dev/null &
  echo $! >"$DIR/node-$n.pid"
}

await_node() { # n
  local n=$1
  for _ in $(seq 1 120); do
    if ctl "$n" await_startup --timeout 5 >/dev/null 2>&1; then return 0; fi
    alive "$DIR/node-$n.pid" || { echo "node $n exited; see $DIR/log" >&2; return 1; }
    sleep 0.5
  done
  echo "node $n did not start within 60 s; see $DIR/log" >&2
  return 1
}

stop_node() { # n [--kill]
  local n=$1 mode=${2:-}
  local wrapper="$DIR/node-$n.pid" beam="$DIR/node-$n.beam.pid"
  if ! alive "$wrapper" && ! alive "$beam"; then rm -f "$wrapper" "$beam"; return 0; fi
  if [[ "$mode" == "--kill" ]]; then
    alive "$beam" && kill -KILL "$(cat "$beam")" 2>/dev/null || true
  else
    ctl "$n" stop >/dev/null 2>&1 || { alive "$beam" && kill -TERM "$(cat "$beam")" 2>/dev/null || true; }
  fi
  for _ in $(seq 1 100); do
    if ! alive "$wrapper" && ! alive "$beam"; then rm -f "$wrapper" "$beam"; return 0; fi
    sleep 0.2
  done
  # Still there after 20 s: end exactly the pids this script recorded.
  for file in "$beam" "$wrapper"; do alive "$file" && kill -KILL "$(cat "$file")" 2>/dev/null || true; done
  rm -f "$wrapper" "$beam"
}

url() {
  local urls=()
  for port in "${PORTS[@]}"; do urls+=("amqp://guest:guest@127.0.0.1:$port"); done
  (IFS=,; echo "${urls[*]}")
}

case "${1:-}" in
  start)
    prepare
    for n in 1 2 3; do start_node "$n"; done
    for n in 1 2 3; do await_node "$n"; done
    for n in 2 3; do
      if ! ctl "$n" cluster_status --formatter json 2>/dev/null | grep -q "$(node_name 1)"; then
        # The joining node's warnings about its feature-flag file are expected on a reset: kept in the log.
        {
          ctl "$n" stop_app
          ctl "$n" reset
          ctl "$n" join_cluster "$(node_name 1)"
          ctl "$n" start_app
        } >>"$DIR/log/join-$n.log" 2>&1 || { echo "node $n could not join; see $DIR/log/join-$n.log" >&2; exit 1; }
      fi
    done
    ctl 1 await_online_nodes 3 --timeout 60
    echo "AMQP_URL=$(url)"
    ;;
  stop)
    # All at once: `start` starts them together too, and each waits for its peers at boot.
    stop_node 1 & first=$!
    stop_node 2 & second=$!
    stop_node 3 & third=$!
    wait "$first" "$second" "$third"
    ;;
  stop-node) stop_node "$2" "${3:-}" ;;
  start-node)
    start_node "$2"
    await_node "$2"
    ;;
  await-quorum)
    # Wait until no quorum queue depends on node N for its majority (its replicas have caught up).
    for _ in $(seq 1 120); do
      with_node_env "$2" "$BIN/rabbitmq-queues" -n "$(node_name "$2")" -q check_if_node_is_quorum_critical >/dev/null 2>&1 && exit 0
      sleep 0.5
    done
    echo "node $2 is still quorum-critical after 60 s" >&2
    exit 1
    ;;
  url) url ;;
  *)
    sed -n '2,20p' "$0" >&2
    exit 2
    ;;
esac
