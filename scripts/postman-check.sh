#!/usr/bin/env bash
# Fails when the committed postman/ files differ from what the procedures generate today.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

bash scripts/postman-generate.sh "$tmp" 2> "$tmp/generate.log" || { cat "$tmp/generate.log" >&2; exit 1; }
stale=0
for file in openapi.json collection.json; do
  if ! diff -u "postman/$file" "$tmp/$file" > "$tmp/$file.diff"; then
    echo "postman/$file is stale:" >&2
    head -n 40 "$tmp/$file.diff" >&2
    stale=1
  fi
done
if [ "$stale" -ne 0 ]; then
  echo "run scripts/postman-generate.sh and commit postman/" >&2
  exit 1
fi
echo "postman/ is up to date"
