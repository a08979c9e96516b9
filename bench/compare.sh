#!/usr/bin/env bash
# Runs the same Whisper base weights in faster-whisper (CTranslate2) and in samtal, on the
# same audio and machine, and prints both times, both transcripts and the ratio.
# Dev-only: faster-whisper lives in a venv under bench/.venv and is never a runtime part.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CLIP=${CLIP:-tests/fixtures/en-meeting-60s.wav}
ROUNDS=${ROUNDS:-5}

if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q --disable-pip-version-check faster-whisper==1.2.1
fi
cargo build -q --release -p samtal
bench/.venv/bin/python bench/compare.py --threads "$THREADS" --clip "$CLIP" --rounds "$ROUNDS" \
  --samtal target/release/samtal
