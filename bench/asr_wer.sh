#!/usr/bin/env bash
# Recognition WER of the release build on espeak-ng renderings of the dev meetings and the
# English texts (dev-only; needs espeak-ng and sox, installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/apt-install.sh espeak-ng sox
cargo build -q --release -p samtal
python3 bench/asr_wer.py --samtal target/release/samtal "$@"
