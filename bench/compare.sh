#!/usr/bin/env bash
# Runs the same Whisper base weights in faster-whisper (CTranslate2) and in samtal (every
# weight format), on the same audio and machine: the 60 s fixture and the 97 s home-care
# conversation of `make asr-wer`. Prints times, CPU time, WER and the ratios.
# Dev-only: faster-whisper lives in a venv under bench/.venv and is never a runtime part.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CLIPS=${CLIPS:-tests/fixtures/en-meeting-60s.wav bench/.asr/en-homecare.wav}
ROUNDS=${ROUNDS:-5}
FORMATS=${FORMATS:-f16,q8_0,q5_1,q5_0,q4_0}

if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q --disable-pip-version-check faster-whisper==1.2.1
fi
cargo build -q --release -p samtal
if [ ! -f bench/.asr/en-homecare.wav ]; then
  ./scripts/apt-install.sh espeak-ng sox
  python3 bench/asr_wer.py --samtal target/release/samtal --synthesize-only
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for clip in $CLIPS; do
  bench/.venv/bin/python bench/compare.py --threads "$THREADS" --clip "$clip" --rounds "$ROUNDS" \
    --formats "$FORMATS" --samtal target/release/samtal
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
done
