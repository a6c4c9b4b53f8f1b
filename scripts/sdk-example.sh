#!/usr/bin/env bash
# Proves the published SDK works for a client app: packs @delivery/sdk, installs examples/client-app from
# the tarball in a temporary folder outside the workspace (so nothing resolves through the monorepo),
# checks that only the SDK's declared dependencies came along, typechecks the app (its expectTypeOf
# assertions included) and, when API_URL and TOKEN are set, runs it against that server: it places an
# order and follows it live until delivered.
#
#   bash scripts/sdk-example.sh
#   API_URL=http://127.0.0.1:3000 TOKEN=<customer token> [TIMEOUT_MS=120000] bash scripts/sdk-example.sh
#
# Quiet on success (one line); on failure it names the step and prints that step's output. Every step
# has a time limit. npm prefers its cache (--prefer-offline), so a warm machine needs no network.
# SDK_EXAMPLE_KEEP=1 keeps the temporary folder for inspection.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TIMEOUT_MS=${TIMEOUT_MS:-120000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sdk-example.XXXXXX")
APP="$WORK/client-app"
TARBALL="$WORK/delivery-sdk.tgz"
LOG="$WORK/step.log"

cleanup() {
  if [[ -n "${SDK_EXAMPLE_KEEP:-}" ]]; then echo "sdk-example: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() {
  echo "sdk-example: $1" >&2
  if [[ -s "$LOG" ]]; then tail -n 100 "$LOG" | sed 's/^/  | /' >&2; fi
  exit 1
}

# step <description> <seconds> <command...>: runs the command with its output in $LOG, within the limit.
step() {
  local description=$1 seconds=$2
  shift 2
  local status=0
  : >"$LOG"
  timeout --kill-after=10 "$seconds" "$@" >"$LOG" 2>&1 || status=$?
  if ((status == 124 || status == 137)); then fail "$description: timed out after ${seconds}s"; fi
  if ((status != 0)); then fail "$description: failed (exit $status)"; fi
}

# npm without the npm_* variables pnpm exports when this script runs under `pnpm run`: they would
# configure npm as if it ran inside the workspace.
NPM=(env)
for name in $(compgen -e); do
  if [[ $name == npm_* || $name == NPM_* || $name == PNPM_* ]]; then NPM+=(-u "$name"); fi
done
NPM+=(npm)

if [[ -n "${API_URL:-}" && -z "${TOKEN:-}" ]] || [[ -z "${API_URL:-}" && -n "${TOKEN:-}" ]]; then
  echo "sdk-example: set both API_URL and TOKEN to run the app, or neither to typecheck only" >&2
  exit 2
fi
if ! [[ $TIMEOUT_MS =~ ^[1-9][0-9]*$ ]]; then
  echo "sdk-example: TIMEOUT_MS must be a positive whole number of ms" >&2
  exit 2
fi

# 1. Build (prepack runs tsup) and pack the SDK the way it would be published.
step "build and pack @delivery/sdk" 300 pnpm --dir "$ROOT/packages/sdk" pack --out "$TARBALL"
[[ -s "$TARBALL" ]] || fail "pack wrote no tarball at $TARBALL"

# 2. The published types must stand alone: imports of @trpc/* only, nothing of the server.
: >"$LOG"
tar -xzOf "$TARBALL" package/dist/index.d.ts >"$WORK/index.d.ts" 2>"$LOG" || fail "the tarball has no dist/index.d.ts"
tar -tzf "$TARBALL" >"$WORK/contents.txt" 2>"$LOG" || fail "cannot list the tarball"
grep -qx 'package/dist/index.js' "$WORK/contents.txt" || fail "the tarball has no dist/index.js"
foreign=$(grep -vE '^[[:space:]]*(\*|/\*|//)' "$WORK/index.d.ts" | grep -oE "(from|import\()[[:space:]]*['\"][^'\"]+['\"]" | grep -oE "['\"][^'\"]+['\"]" | tr -d "'\"" |
  grep -vE '^@trpc/(client|server)(/|$)' | sort -u || true)
[[ -z "$foreign" ]] || fail "dist/index.d.ts imports more than @trpc/*: $(echo $foreign)"

# 3. A copy of the app outside the workspace, depending on the tarball.
mkdir -p "$APP"
tar -C "$ROOT/examples/client-app" --exclude=node_modules --exclude=dist --exclude=package-lock.json -cf - . | tar -C "$APP" -xf -
step "point the app at the tarball" 60 "${NPM[@]}" --prefix "$APP" pkg set "dependencies.@delivery/sdk=file:$TARBALL"
step "npm install (from the tarball)" 300 "${NPM[@]}" --prefix "$APP" install --prefer-offline --no-audit --no-fund --loglevel=error

# 4. Only the SDK and its declared dependencies are installed for production: no server package.
#    (typescript is a peer dependency of @trpc/client and @trpc/server, which npm counts here.)
step "list the app's production dependencies" 60 "${NPM[@]}" --prefix "$APP" ls --omit=dev --all --parseable
unexpected=$(sed -n 's#.*/node_modules/##p' "$LOG" | sort -u |
  grep -vxE '@delivery/sdk|@trpc/client|@trpc/server|eventsource|eventsource-parser|typescript' || true)
[[ -z "$unexpected" ]] || fail "installing the SDK brought more than its declared dependencies: $(echo $unexpected)"

# 5. Typecheck and build (tsc: the SDK's .d.ts checked too, skipLibCheck off).
step "typecheck the app (tsc)" 180 "${NPM[@]}" --prefix "$APP" run --silent build

if [[ -z "${API_URL:-}" ]]; then
  echo "sdk-example: ok (packed, installed from the tarball, typechecked; set API_URL and TOKEN to run it)"
  exit 0
fi

# 6. Run it against the server: place an order, follow it to delivered. The app stops itself at
#    TIMEOUT_MS; the outer limit only catches a hang of the process itself.
run_seconds=$((TIMEOUT_MS / 1000 + 30))
step "run the app against $API_URL" "$run_seconds" env API_URL="$API_URL" TOKEN="$TOKEN" TIMEOUT_MS="$TIMEOUT_MS" node "$APP/dist/main.js"
statuses=$(awk 'NF >= 4 && $3 == "version" { printf "%s%s", sep, $2; sep = " -> " }' "$LOG")
echo "sdk-example: ok (packed, installed from the tarball, typechecked, ran against $API_URL: $statuses)"
