#!/bin/bash
# Builds the libFuzzer target (build-fuzz/) and fuzzes the compiler half
# for SECONDS seconds (default 120) from the seed corpus; exits non-zero on
# a crash, leak, undefined behaviour or hang, leaving the input as
# build-fuzz/crash-* (see docs/fuzzing.md).
#
#   tests/fuzz/run.sh [SECONDS] [extra libFuzzer flags]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
secs=${1:-120}
shift || true
CC=clang cmake -S "$ROOT" -B "$ROOT/build-fuzz" -DTRAWK_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
    ${CMAKE_ARGS:-} >/dev/null
cmake --build "$ROOT/build-fuzz" -j "${JOBS:-$(nproc)}" --target trawk_fuzz
corpus=$ROOT/build-fuzz/corpus
seeds=$ROOT/build-fuzz/seeds
mirror=${BPFTRACE_GIT_DIR:-}
python3 "$ROOT/tests/fuzz/corpus.py" "$seeds" ${mirror:+--bpftrace-git "$mirror"}
mkdir -p "$corpus"
cd "$ROOT/build-fuzz"
# detect_leaks: the compiler frees everything; a leak is a finding too.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} ./trawk_fuzz -max_total_time="$secs" \
    -timeout=10 -rss_limit_mb=4096 -max_len=4096 -print_final_stats=1 \
    -dict="$ROOT/tests/fuzz/trawk.dict" "$@" "$corpus" "$seeds"
