#!/usr/bin/env bash
# Makes sure a Chromium for the console's browser tests (internal/console/browsertest) is
# installed, and prints its path on stdout.
#
#   bash scripts/chromium.sh
#
# Guarantees:
# - $ORDERWIRE_CHROMIUM, when set, must name an executable: it is used as is (exit 1 if not);
# - otherwise the first of chromium, chromium-browser on PATH (Debian: /usr/bin/chromium);
# - when none is found and we are root with apt-get, installs Debian's `chromium` package
#   and a font with Chinese glyphs, fonts-droid-fallback, so that the zh-CN screenshots are
#   legible (apt-get update, then apt-get install -y --no-install-recommends), and checks
#   Chromium starts (`chromium --version`);
# - otherwise exits 1 saying exactly what to install; never downloads a browser build of its
#   own (no network but the package registries here).
set -euo pipefail

say() { echo "chromium.sh: $*" >&2; }

if [ -n "${ORDERWIRE_CHROMIUM:-}" ]; then
  if [ -x "$ORDERWIRE_CHROMIUM" ]; then
    echo "$ORDERWIRE_CHROMIUM"
    exit 0
  fi
  say "ORDERWIRE_CHROMIUM=$ORDERWIRE_CHROMIUM is not an executable"
  exit 1
fi

find_chromium() {
  local name
  for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then
      command -v "$name"
      return 0
    fi
  done
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi

if [ "${EUID:-$(id -u)}" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "Chromium is not installed and this user cannot install it."
  say "Install Debian's package as root:  apt-get update && apt-get install -y chromium"
  say "(or set ORDERWIRE_CHROMIUM to a Chromium/Chrome executable), then run make test again."
  exit 1
fi

say "installing Debian's chromium and fonts-droid-fallback packages (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends chromium fonts-droid-fallback >&2

if ! path="$(find_chromium)"; then
  say "apt-get installed chromium but no chromium executable is on PATH"
  exit 1
fi
if ! "$path" --version >&2; then
  say "$path was installed but does not start (\`$path --version\` failed)"
  exit 1
fi
echo "$path"
