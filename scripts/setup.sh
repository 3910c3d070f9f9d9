#!/usr/bin/env bash
# Installs what the kiosk and its tests need on a fresh Debian/Ubuntu machine, once:
# Debian packages (socat for pty pairs, Chromium for the UI and end-to-end tests, fonts for every
# UI language and the OCR-B font for synthetic data pages, libnfc's tools to check the simulated
# PN532 against standard host software) and the npm packages from the lock file. Idempotent: a second run does nothing when all is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

# libnfc-bin, libnfc-examples: nfc-list/nfc-poll, standard PN532 host software run against the simulated PN532.
DEB_PACKAGES=(socat chromium fonts-noto-core fonts-noto-cjk fonts-ocr-b libnfc-bin libnfc-examples)
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# npm packages: reinstall when the lock file changed since the last install.
stamp=node_modules/.kiosk-setup-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
  echo "$want" > "$stamp"
fi
