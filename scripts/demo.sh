#!/usr/bin/env bash
# The whole pipeline end to end on this machine, on loopback, with synthetic data only:
# voice enrolment → consent → record → transcript with speakers → draft → review → approve → BankID sign-in → citizen
# signature → sync → receipt → purge. Starts its own samtal-endpoint and bankid-sim on
# 127.0.0.1 and a fresh phone data directory, and stops and removes them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q --workspace --all-targets # as `make build`: nothing compiles twice
BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug"

WORK="$(mktemp -d -t samtal-demo.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 130" INT TERM

export SAMTAL_DATA_DIR="$WORK/phone"
samtal() { "$BIN/samtal" "$@"; }
endpoint() { "$BIN/samtal-endpoint" --config "$WORK/endpoint/endpoint.toml" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    return 1
}

WORKER_PN=198112289874 # Maja Provsson, a BankID test personal number
WORKER_ID=maja.provsson
BANKID_PORT=$(free_port)
NOTE_PORT=$(free_port)
ENROLL_PORT=$(free_port)

step "BankID simulator on 127.0.0.1:$BANKID_PORT (test person $WORKER_PN signs in)"
"$BIN/bankid-sim" serve --dir "$WORK/endpoint/bankid-sim" --listen "127.0.0.1:$BANKID_PORT" \
    --default-scenario complete:2 --default-personal-number "$WORKER_PN" \
    >"$WORK/bankid-sim.log" 2>&1 &
PIDS+=($!)
wait_port "$BANKID_PORT"

step "Municipal endpoint on 127.0.0.1:$NOTE_PORT (enrollment on :$ENROLL_PORT)"
mkdir -p "$WORK/endpoint"
cat >"$WORK/endpoint/endpoint.toml" <<EOF
listen = "127.0.0.1:$NOTE_PORT"
enroll_listen = "127.0.0.1:$ENROLL_PORT"
data_dir = "data"
[sinks.directory]
path = "drop"
[bankid]
environment = "https://127.0.0.1:$BANKID_PORT/rp/v6.0/"
ca_file = "bankid-sim/ca.pem"
cert_file = "bankid-sim/rp.pem"
key_file = "bankid-sim/rp.key"
EOF
endpoint ca init
endpoint staff allow --personal-number "$WORKER_PN"
CODE=$(endpoint device enroll --name "demo phone" | sed -n 's/^code: //p')
# The binary itself in the background, not the shell function: `$!` of a backgrounded
# function is its subshell, and killing that would leave the server running.
"$BIN/samtal-endpoint" --config "$WORK/endpoint/endpoint.toml" serve >"$WORK/endpoint.log" 2>&1 &
PIDS+=($!)
wait_port "$NOTE_PORT"
wait_port "$ENROLL_PORT"

step "Enroll the phone (one-time code, pinned municipal CA)"
samtal enroll --endpoint "https://127.0.0.1:$ENROLL_PORT" --code "$CODE"

step "The worker enrols their voice (reading the enrolment text; only voice statistics are kept)"
samtal voice enroll --from-wav tests/fixtures/en-two-voices.enrol.wav
samtal voice status

step "Consent (the citizen present), record tests/fixtures/en-two-voices.wav as the microphone, transcript with speakers"
samtal record --from-wav tests/fixtures/en-two-voices.wav --lang en --worker "$WORKER_ID" \
    --present citizen 2> >(tee "$WORK/record.log" >&2) | tee "$WORK/transcript.txt"
SESSION=$(sed -n 's/^session \([0-9a-f]\{32\}\): stopped.*/\1/p' "$WORK/record.log" | head -n1)
[ -n "$SESSION" ] || { echo "no session id from samtal record" >&2; exit 1; }
samtal sessions

step "At consent the worker noted who takes part (optional), so the draft names them instead of \"the client\""
samtal sessions people "$SESSION" --person worker:Anna --person citizen:Ruth:she

step "Draft with template en-casenote"
samtal review draft "$SESSION" --template en-casenote --contact-kind "home visit"

step "Review on screen: items, flags, citations and the citizen's view"
samtal review show "$SESSION"

# One line per segment, in id order; "(?)" marks a speaker attribution was unsure of. The
# worker knows the short "Of course, how" was their own and corrects it: the note is drafted
# again from the corrected speakers.
UNSURE=$(grep -n '(?): Of course' "$WORK/transcript.txt" | cut -d: -f1 | head -n1 || true)
if [ -n "$UNSURE" ]; then
    step "The worker corrects a speaker marked unsure (segment $UNSURE was the worker); the note is drafted again"
    samtal review relabel "$SESSION" --segments "$UNSURE" --as worker
    samtal review show "$SESSION" --view text
fi

step "The worker checks every item against the transcript; the citizen adds a comment"
samtal review mark-reviewed "$SESSION" --all
samtal review comment "$SESSION" "I agree with the note. Please call before the first visit."

step "Approve (worker $WORKER_ID, citizen present) and queue"
samtal review approve "$SESSION" --by "$WORKER_ID" --citizen present
samtal review show "$SESSION" --view text
samtal outbox

step "BankID sign-in of the worker (through the endpoint)"
samtal login --language en

step "The citizen signs the approved note with their own BankID (QR for their phone)"
samtal sign "$SESSION" --language en

step "Sync: upload over mutual TLS, verify the signed receipt, purge"
samtal sync

step "At the municipality: the delivered note"
ls "$WORK/endpoint/drop"

step "On the phone: only the receipt remains"
samtal receipts
samtal sessions
samtal outbox
samtal audit verify
