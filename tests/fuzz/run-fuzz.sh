#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset "fuzz": clang, ASan, UBSan) and
# fuzzes each parser for a bounded time through CTest (label "fuzz").
#   tests/fuzz/run-fuzz.sh [SECONDS]    seconds per fuzzer, default 20
# Needs clang and libFuzzer: apt-get install clang libclang-rt-14-dev
# A failure names the input that broke the parser, under
# build/fuzz/tests/fuzz/<parser>/artifacts/; replay it with
#   build/fuzz/tests/fuzz/fuzz_<parser> <that file>
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_PER_FUZZER=${1:-${TURNSTILE_FUZZ_SECONDS:-20}}
[[ $SECONDS_PER_FUZZER =~ ^[1-9][0-9]*$ ]] || { echo "run-fuzz: SECONDS must be a positive number" >&2; exit 2; }
command -v clang++ >/dev/null || { echo "run-fuzz: clang++ is missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }

cd "$ROOT"
cmake --preset fuzz -DTURNSTILE_FUZZ_SECONDS="$SECONDS_PER_FUZZER" >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz
