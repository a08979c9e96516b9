#!/usr/bin/env bash
# Renders the dev meetings with espeak-ng for `samtal bench speakers` (installing espeak-ng
# and sox if missing) into ~/.cache/samtal/speakers/<key>, once for each version of the
# meetings, the renderer, the enrolment texts and espeak-ng; prints that directory.
# The meetings are read from $SAMTAL_EVAL_DEV (default ../shared/eval/dev).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/apt-install.sh espeak-ng sox >&2
dev="${SAMTAL_EVAL_DEV:-../shared/eval/dev}"
if ! ls "$dev"/dev-*.json >/dev/null 2>&1; then
  echo "no dev meetings in $dev: set SAMTAL_EVAL_DEV to the folder of dev-*.json" >&2
  exit 1
fi
key=$( (cat scripts/render-speakers.py speaker/enrolment/*.txt "$dev"/dev-*.json; espeak-ng --version) \
  | sha256sum | cut -c1-12)
out="${XDG_CACHE_HOME:-$HOME/.cache}/samtal/speakers/$key"
python3 scripts/render-speakers.py meetings "$dev" "$out" >&2
echo "$out"
