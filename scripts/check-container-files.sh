#!/usr/bin/env bash
# Checks the container files where no container engine runs: the Dockerfile with dockerfilelint, and
# docker-compose.yml with Debian's docker-compose 1.29 parser (installed when missing), once with placeholder
# secrets (it must parse) and once without them (it must refuse: no secret has a default).
set -euo pipefail
cd "$(dirname "$0")/.."

pnpm exec dockerfilelint Dockerfile

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "installing Debian's docker-compose to check docker-compose.yml"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends docker-compose >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends docker-compose >/dev/null; }
fi

# An empty env file and a bare environment: neither a developer's .env nor their shell leaks into the check.
no_env=$(mktemp)
trap 'rm -f "$no_env"' EXIT
compose() { env -i PATH="$PATH" "$@" docker-compose --env-file "$no_env" config -q; }
compose AUTH_SECRET=check MYSQL_ROOT_PASSWORD=check POSTGRES_PASSWORD=check RABBITMQ_PASSWORD=check
if compose MYSQL_ROOT_PASSWORD=check POSTGRES_PASSWORD=check RABBITMQ_PASSWORD=check 2>/dev/null; then
  echo "docker-compose.yml starts without AUTH_SECRET: every secret must come from the environment or .env" >&2
  exit 1
fi
echo "Dockerfile and docker-compose.yml: checked"
