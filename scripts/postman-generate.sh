#!/usr/bin/env bash
# Regenerates postman/openapi.json and postman/collection.json from the procedures (no server needed):
# the OpenAPI document is printed by a tsx script that imports the app's router, converted with
# openapi-to-postmanv2 (`openapi2postmanv2 -s openapi.json -o ... -p`), then put in the flow's order.
# Usage: scripts/postman-generate.sh [output-dir]   (default: postman/)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
out="${1:-postman}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

pnpm -s exec tsx packages/api/src/rest/postman/print-openapi.ts > "$tmp/openapi.json"
if ! pnpm -s --filter @delivery/api exec openapi2postmanv2 -s "$tmp/openapi.json" -o "$tmp/converted.json" -p \
  -O parametersResolution=Example > "$tmp/convert.log" 2>&1; then
  cat "$tmp/convert.log" >&2
  exit 1
fi
pnpm -s exec tsx packages/api/src/rest/postman/shape-collection.cli.ts "$tmp/converted.json" > "$tmp/collection.json"

mkdir -p "$out"
cp "$tmp/openapi.json" "$out/openapi.json"
cp "$tmp/collection.json" "$out/collection.json"
echo "wrote $out/openapi.json and $out/collection.json" >&2
