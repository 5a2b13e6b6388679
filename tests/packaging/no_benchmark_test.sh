#!/usr/bin/env bash
# A machine without Google Benchmark (Debian's libbenchmark-dev): CMake is
# told not to find it (CMAKE_DISABLE_FIND_PACKAGE_benchmark), which this test
# first proves from the configure output.  Then:
#   - the project still configures with the benchmarks on, saying the
#     micro-benchmarks are skipped, and defines no micro_* target;
#   - a process-level benchmark program still builds;
#   - bench/compare on a micro row and a process-level row skips the micro row
#     with a message naming the missing program and measures the other.
# Usage: no_benchmark_test.sh <source-dir>
set -euo pipefail
src_dir=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/checks.sh"

build=$work/build
check "configures with the benchmarks on and Google Benchmark hidden" \
  cmake -S "$src_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEVENT_BUILD_TESTS=OFF \
  -DEVENT_BUILD_SAMPLES=OFF -DEVENT_BUILD_BENCH=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=TRUE
if grep -q "reference libevent (headers + library) not found" "$work/last.log"; then
  echo "SKIP: the reference libevent (libevent-dev) is not installed: no benchmarks at all"
  exit 77
fi
check "... saying the micro-benchmarks are skipped" grep -q "micro-benchmarks in bench/micro skipped" "$work/last.log"
check "... with no micro_* target" fails grep -q "^build bench/micro_event:" "$build/build.ninja"
check "a process-level benchmark still builds" cmake --build "$build" -j2 --target pipe_bench event
check "compare skips the micro row and measures the other" \
  python3 "$src_dir/bench/compare" --quick --only ev_active_batch,pipe_persist_n100 \
  --skip callgrind,strace,chart --bin-dir "$build/bench" --ours "$build/src" --out-dir "$work/out"
check "... naming the program it skipped" grep -q "micro-benchmarks skipped, not built.*micro_event" "$work/last.log"
check "... and writing the measured row" grep -q "pipe_persist_n100" "$work/out/results.md"
check "... but not the skipped one" fails grep -q "ev_active_batch" "$work/out/results.md"

finish "no-Google-Benchmark test"
