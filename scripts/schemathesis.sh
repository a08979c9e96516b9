#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned) from a virtual environment under target/, created on
# first use: scripts/schemathesis.sh run SCHEMA --url … (arguments go to `st`).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${CARGO_TARGET_DIR:-$PWD/target}/openapi-venv
if [ ! -x "$VENV/bin/st" ]; then
  python3 -c 'import ensurepip' 2>/dev/null || scripts/apt-install.sh python3-venv
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check schemathesis==4.32.5
fi
exec "$VENV/bin/st" "$@"
