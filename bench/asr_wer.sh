#!/usr/bin/env bash
# Recognition WER of the release build on espeak-ng renderings of the dev meetings and the
# English texts (dev-only; needs espeak-ng and sox, installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pkg in espeak-ng sox; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cargo build -q --release -p samtal
python3 bench/asr_wer.py --samtal target/release/samtal "$@"
