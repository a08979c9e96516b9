#!/usr/bin/env bash
# The main job end to end on this machine, with synthetic data only.
set -euo pipefail
cd "$(dirname "$0")/.."
samtal() { cargo run -q -p samtal -- "$@"; }

echo "== transcript of the sample meeting (tests/fixtures/en-meeting-60s.wav)"
samtal transcribe tests/fixtures/en-meeting-60s.wav --lang en
