#!/usr/bin/env bash
# Builds and packs @delivery/sdk as it would be published (.data/sdk/delivery-sdk.tgz) and checks the tarball
# with @arethetypeswrong/cli under its default profile: ES module and CommonJS consumers, node10, node16 and
# bundler resolution. Then checks the packed package.json and .d.ts carry nothing of the workspace.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/.data/sdk"
mkdir -p "$OUT"
pnpm --dir "$ROOT/packages/sdk" pack --out "$OUT/delivery-sdk.tgz" >/dev/null
pnpm --dir "$ROOT" exec attw "$OUT/delivery-sdk.tgz"

manifest=$(tar -xzOf "$OUT/delivery-sdk.tgz" package/package.json)
node -e '
  const manifest = JSON.parse(process.argv[1]);
  const problems = [];
  if (!manifest.license) problems.push("no license");
  if (manifest.devDependencies) problems.push("devDependencies are published: " + Object.keys(manifest.devDependencies).join(", "));
  for (const [name, command] of Object.entries(manifest.scripts ?? {})) if (/\.\.\//.test(command)) problems.push(`script ${name} points into the workspace: ${command}`);
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) if (/^(workspace|catalog|file|link):/.test(range)) problems.push(`dependency ${name} is ${range}`);
  if (problems.length) { console.error("sdk-check: " + problems.join("; ")); process.exit(1); }
' "$manifest"
# The published types stand alone: they import @trpc/client and @trpc/server's public entry points only.
imports=$(tar -xzOf "$OUT/delivery-sdk.tgz" package/dist/index.d.ts package/dist/index.d.cts | grep -vE '^[[:space:]]*(\*|/\*|//)' |
  grep -oE "(from|import\()[[:space:]]*['\"][^'\"]+['\"]" | grep -oE "['\"][^'\"]+['\"]" | tr -d "'\"" | sort -u)
foreign=$(echo "$imports" | grep -vxE '@trpc/(client|server)' || true)
if [[ -n "$foreign" ]]; then
  echo "sdk-check: the .d.ts imports more than @trpc/client and @trpc/server: $(echo $foreign)" >&2
  exit 1
fi
echo "sdk-check: ok ($OUT/delivery-sdk.tgz)"
