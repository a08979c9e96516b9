#!/usr/bin/env bash
# Benchmark samtal-endpoint on loopback: SQLite, then PostgreSQL (fsync on), each driven by
# `samtal-endpoint bench` with many concurrent mutual-TLS clients.
#
#   scripts/bench-endpoint.sh [CLIENTS] [NOTES]        (default 32 clients, 2000 notes)
#
# Uses $SAMTAL_ENDPOINT_BIN if set, else builds the binary with cargo.
set -euo pipefail

clients=${1:-32}
notes=${2:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SAMTAL_ENDPOINT_BIN:-}
if [[ -z "$bin" ]]; then
    cargo build --quiet --release -p samtal-endpoint --manifest-path "$root/Cargo.toml"
    bin="${CARGO_TARGET_DIR:-$root/target}/release/samtal-endpoint"
fi

work=$(mktemp -d)
chmod 755 "$work" # the PostgreSQL cluster below runs as another user when we are root
server=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    "$root/scripts/pg-test-server.sh" stop "$work/pg" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

run_one() { # NAME DATABASE_URL
    local dir="$work/$1"
    mkdir -p "$dir"
    cat >"$dir/endpoint.toml" <<TOML
listen = "127.0.0.1:$(free_port)"
data_dir = "data"
database_url = "$2"
[sinks.directory]
path = "drop"
TOML
    "$bin" --config "$dir/endpoint.toml" ca init >/dev/null
    "$bin" --config "$dir/endpoint.toml" serve >"$dir/stdout" 2>"$dir/log" &
    server=$!
    for _ in $(seq 100); do grep -q listening "$dir/stdout" && break; sleep 0.1; done
    "$bin" --config "$dir/endpoint.toml" bench --clients "$clients" --notes "$notes" 2>/dev/null
    kill "$server"; wait "$server" 2>/dev/null || true
    server=""
}

run_one sqlite "sqlite://$work/sqlite/data/endpoint.db?mode=rwc"
pg_url=$(PG_FSYNC=on "$root/scripts/pg-test-server.sh" start "$work/pg")
run_one postgres "$pg_url"
