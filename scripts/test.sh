#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's Chromium for the browser
# tests and nginx for the multi-server test), then run the whole suite. Extra arguments go
# to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -r requirements-test.txt
MISSING=""
[ -x /usr/bin/chromium ] || MISSING="chromium fonts-liberation"
[ -x /usr/sbin/nginx ] || MISSING="$MISSING nginx-light"
if [ -n "$MISSING" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
fi
exec python3 -m pytest -q "$@"
