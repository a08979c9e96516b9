#!/usr/bin/env bash
# The endpoint under a connection flood, with its file-descriptor limit at 1,024 and the
# default [limits]: 2,000 clients keep reopening idle TLS connections to the enrollment
# listener, slow-header and idle HTTP/2 clients hold mutual-TLS connections, and a phone
# delivers a note every 0.5 s over a new connection. Prints delivery times and how soon the
# endpoint closed each idle connection (`samtal-endpoint bench-connections`).
#
#   scripts/bench-connections.sh [IDLE_ENROLL] [SLOW_HEADER] [IDLE_H2] [SECONDS]
#                                 (default 2000 100 100 30)
#
# Uses $SAMTAL_ENDPOINT_BIN if set, else builds the release binary with cargo.
set -euo pipefail

idle_enroll=${1:-2000}
slow_header=${2:-100}
idle_h2=${3:-100}
seconds=${4:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SAMTAL_ENDPOINT_BIN:-}
if [[ -z "$bin" ]]; then
    cargo build --quiet --release -p samtal-endpoint --manifest-path "$root/Cargo.toml"
    bin="${CARGO_TARGET_DIR:-$root/target}/release/samtal-endpoint"
fi

work=$(mktemp -d)
server=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cat >"$work/endpoint.toml" <<TOML
listen = "127.0.0.1:$(free_port)"
enroll_listen = "127.0.0.1:$(free_port)"
data_dir = "data"
[sinks.directory]
path = "drop"
TOML
"$bin" --config "$work/endpoint.toml" ca init >/dev/null
# The server alone runs with 1,024 descriptors (soft and hard, so it cannot raise them).
(ulimit -Sn 1024 && ulimit -Hn 1024 && exec "$bin" --config "$work/endpoint.toml" serve) \
    >"$work/stdout" 2>"$work/log" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/stdout" && break; sleep 0.1; done
echo "endpoint pid $server, descriptor limit $(awk '/Max open files/ {print $4}' /proc/$server/limits)"
ulimit -n "$(ulimit -Hn)"
"$bin" --config "$work/endpoint.toml" bench-connections --idle-enroll "$idle_enroll" \
    --slow-header "$slow_header" --idle-h2 "$idle_h2" --seconds "$seconds" 2>/dev/null
echo "endpoint log: $(grep -c 'Too many open files' "$work/log" || true) 'Too many open files'"
