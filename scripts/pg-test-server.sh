#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.
#
#   scripts/pg-test-server.sh start DIR   initdb in DIR, start on a free port, print the URL
#   scripts/pg-test-server.sh stop DIR    stop the cluster (DIR can then be removed)
#
# Uses Debian's `postgresql` package (binaries in /usr/lib/postgresql/<version>/bin, or $PGBIN).
# As root, initdb refuses to run, so the cluster runs as the `postgres` user and DIR is
# handed to it. PG_FSYNC=on keeps fsync enabled (for benchmarks); tests default to off.
set -euo pipefail

cmd=${1:?usage: pg-test-server.sh start|stop DIR}
dir=${2:?usage: pg-test-server.sh start|stop DIR}

if [[ -z "${PGBIN:-}" ]]; then
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [[ -z "${PGBIN:-}" || ! -x "$PGBIN/initdb" ]]; then
    echo "pg-test-server: PostgreSQL binaries not found; install Debian's package: apt-get install -y postgresql" >&2
    exit 1
fi

run=()
if [[ "$(id -u)" == 0 ]]; then
    run=(runuser -u postgres --)
fi

case "$cmd" in
start)
    mkdir -p "$dir"
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres "$dir"
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    fsync_opt="-F"
    if [[ "${PG_FSYNC:-off}" == on ]]; then
        fsync_opt=""
    fi
    "${run[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=200 $fsync_opt" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    fi
    ;;
*)
    echo "usage: pg-test-server.sh start|stop DIR" >&2
    exit 2
    ;;
esac
