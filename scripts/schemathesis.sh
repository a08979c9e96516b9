#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned) from a virtual environment under target/, created on
# first use: scripts/schemathesis.sh run SCHEMA --url … (arguments go to `st`).
set -euo pipefail
# Runs in the caller's directory (schemathesis keeps a cache in ./.schemathesis).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${CARGO_TARGET_DIR:-$ROOT/target}/openapi-venv
if [ ! -x "$VENV/bin/st" ]; then
  python3 -c 'import ensurepip' 2>/dev/null || "$ROOT/scripts/apt-install.sh" python3-venv
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check schemathesis==4.32.5
fi
exec "$VENV/bin/st" "$@"
