#!/usr/bin/env bash
# Runs the committed Postman collection with newman against a live API.
# Usage: scripts/postman-run.sh <baseUrl> <customerToken> <vendorToken> <adminToken>
# e.g.   scripts/postman-run.sh http://127.0.0.1:3000 "$(pnpm --silent delivery token --role customer --sub alice --email alice@example.com)" ...
set -euo pipefail
if [ "$#" -ne 4 ]; then
  echo "usage: $0 <baseUrl> <customerToken> <vendorToken> <adminToken>" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
collection="$(pwd)/postman/collection.json"

# Environment variables take precedence over the collection's own variables of the same name.
pnpm -s --filter @delivery/api exec newman run "$collection" \
  --env-var "baseUrl=${1%/}" \
  --env-var "customerToken=$2" \
  --env-var "vendorToken=$3" \
  --env-var "adminToken=$4" \
  --timeout-request 15000 \
  --color off
