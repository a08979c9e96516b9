#!/usr/bin/env bash
# Run every cargo-fuzz target (fuzz/fuzz_targets) for a set time and print what each did.
#
#   scripts/fuzz.sh                      every target, FUZZ_SECONDS each (default 600)
#   FUZZ_SECONDS=60 scripts/fuzz.sh note csr
#
# Needs the nightly toolchain (rustup toolchain install nightly) and cargo-fuzz (installed
# from crates.io when missing). Corpora grow in fuzz/corpus/<target>, seeded from
# fuzz/seeds/<target>; crashes land in fuzz/artifacts/<target>: copy each one into
# fuzz/regressions/<target>/ with a descriptive name, where `make test` replays it.
# FUZZ_KEEP_GOING=1 runs libFuzzer in fork mode and keeps fuzzing past crashes, out-of-memory
# and timeouts (for a target with a known, not yet fixed finding), counting them.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-600}
rss_mb=${FUZZ_RSS_MB:-2048}
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: the nightly toolchain is missing; install it with: rustup toolchain install nightly" >&2
    exit 1
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

targets=("$@")
if [[ ${#targets[@]} == 0 ]]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi

(cd fuzz && nice cargo +nightly fuzz build -O)
mkdir -p fuzz/logs
summary=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target" "fuzz/seeds/$target" "fuzz/artifacts/$target"
    log="fuzz/logs/$target.log"
    echo "fuzz: $target for ${seconds}s (log: $log)"
    status=0
    keep_going=()
    if [[ "${FUZZ_KEEP_GOING:-0}" == 1 ]]; then
        keep_going=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    fi
    nice cargo +nightly fuzz run -O "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" \
        -timeout=10 -print_final_stats=1 "${keep_going[@]}" >"$log" 2>&1 || status=$?
    # Executions: libFuzzer's final stats, or in fork mode the last status line's #N.
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
    if [[ -z "$execs" ]]; then
        execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#' || true)
    fi
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || true)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || true)
    corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
    crashes=$(find "fuzz/artifacts/$target" -type f | wc -l)
    summary+=("$(printf '%-12s %10s s %12s execs %6s cov %7s ft %6s corpus %3s crashes exit %s' \
        "$target" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$crashes" "$status")")
done
echo
printf '%s\n' "${summary[@]}"
