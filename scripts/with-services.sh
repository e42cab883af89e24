#!/usr/bin/env bash
# Runs a command with the test emulators (tools/services.mjs) up on loopback ports.
#
#   bash scripts/with-services.sh <command...>
#
# Guarantees:
# - installs tools/ from its lockfile (npm ci) only when tools/node_modules is missing or
#   older than tools/package-lock.json;
# - finds Chromium for the console's browser tests (scripts/chromium.sh: installs Debian's
#   chromium package when missing and root; otherwise fails saying what to install) and
#   exports ORDERWIRE_CHROMIUM;
# - the command runs only once every service answers, with .test-services/env sourced
#   (ORDERWIRE_TEST_* endpoints) and ORDERWIRE_REQUIRE_SERVICES=1 exported;
# - fails loudly (launcher log on stderr) if the services are not up within 180 s;
# - always stops the launcher, which stops every emulator (java included), and waits for it;
# - exits with the command's exit status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.test-services"
lock="$root/tools/package-lock.json"
installed="$root/tools/node_modules/.package-lock.json" # written by npm at the end of an install

if [ ! -f "$installed" ] || [ "$lock" -nt "$installed" ]; then
  echo "with-services: npm ci in tools/" >&2
  npm ci --prefix "$root/tools" --no-audit --no-fund >&2
fi

if ! ORDERWIRE_CHROMIUM="$(bash "$root/scripts/chromium.sh")"; then
  echo "with-services: no Chromium for the browser tests (scripts/chromium.sh said why above)" >&2
  exit 1
fi
export ORDERWIRE_CHROMIUM

mkdir -p "$state"
rm -f "$state/env"
started=$SECONDS

# `--` keeps node from reading --env-file itself (nodejs/node#54232).
node "$root/tools/services.mjs" -- --env-file "$state/env" >"$state/launcher.log" 2>&1 &
launcher=$!

stop_launcher() {
  kill -TERM "$launcher" 2>/dev/null || true
  wait "$launcher" 2>/dev/null || true
  # A launcher that died hard leaves its children's process groups listed here.
  if [ -f "$state/pids" ]; then
    while read -r pgid; do kill -KILL -- "-$pgid" 2>/dev/null || true; done <"$state/pids"
    rm -f "$state/pids"
  fi
  rm -f "$state/env"
}
trap stop_launcher EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "with-services: $1; launcher log ($state/launcher.log):" >&2
  cat "$state/launcher.log" >&2
  exit 1
}

deadline=$((SECONDS + 180))
until [ -f "$state/env" ]; do
  kill -0 "$launcher" 2>/dev/null || fail "service launcher exited before the services were ready"
  [ "$SECONDS" -lt "$deadline" ] || fail "services not ready after 180 s"
  sleep 0.2
done
echo "with-services: services ready after $((SECONDS - started)) s" >&2

# shellcheck source=/dev/null
. "$state/env"
export ORDERWIRE_REQUIRE_SERVICES=1

status=0
"$@" || status=$?
exit "$status"
