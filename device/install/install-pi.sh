#!/usr/bin/env bash
# Installs the okienko counter on Raspberry Pi OS (bookworm): only what a counter needs — no
# database, web server or dashboard tools. Run from a clone: sudo device/install/install-pi.sh
# --dry-run prints every step instead of running it.
set -euo pipefail

DRY=0
[ "${1:-}" = "--dry-run" ] && DRY=1
run() { if [ "$DRY" = 1 ]; then echo "+ $*"; else "$@"; fi; }

SRC=$(cd "$(dirname "$0")/../.." && pwd)
PREFIX=/opt/okienko
CONFIG=/etc/okienko/device.json

if [ "$DRY" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "okienko: run as root: sudo $0" >&2
  exit 1
fi

# Node.js 20.19 or newer (Raspberry Pi OS ships an older one; NodeSource or nvm provide it).
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "okienko: Node.js >= 20.19 is needed; install it first (https://github.com/nodesource/distributions), then run this again." >&2
  [ "$DRY" = 1 ] || exit 1
fi

# I²C for the LCD backpack; the UART for the badge reader, without a login console on it.
if command -v raspi-config >/dev/null || [ "$DRY" = 1 ]; then
  run raspi-config nonint do_i2c 0
  run raspi-config nonint do_serial_hw 0
  run raspi-config nonint do_serial_cons 1
fi

# A service user that may use GPIO, serial ports and I²C, and nothing else.
if ! id okienko >/dev/null 2>&1; then
  run useradd --system --home-dir /var/lib/okienko --shell /usr/sbin/nologin okienko
fi
for group in gpio dialout i2c; do
  if getent group "$group" >/dev/null || [ "$DRY" = 1 ]; then run usermod -aG "$group" okienko; fi
done

# The code, the device side only, built to plain JavaScript.
run mkdir -p "$PREFIX"
run cp -a "$SRC/." "$PREFIX/"
run rm -rf "$PREFIX/node_modules" "$PREFIX/data"
run sh -c "cd $PREFIX && npm ci --omit=dev --workspace=@okienko/device --include-workspace-root --no-audit --no-fund"
run sh -c "cd $PREFIX && node cli/bin.mjs build --target device"

# Config: an example to edit, never overwriting one that is there.
run mkdir -p /etc/okienko
if [ ! -f "$CONFIG" ]; then
  run install -m 0640 -o root -g okienko "$SRC/device/install/device.example.json" "$CONFIG"
  echo "okienko: edit $CONFIG (site, counter, broker and credentials), then: systemctl restart okienko-device"
fi

run install -m 0644 "$SRC/device/install/okienko-device.service" /etc/systemd/system/okienko-device.service
run systemctl daemon-reload
run systemctl enable --now okienko-device
echo "okienko: installed. Check the wiring with: sudo -u okienko node $PREFIX/device/dist/okienko-device.mjs --config $CONFIG --check"
