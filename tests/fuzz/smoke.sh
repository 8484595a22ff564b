#!/usr/bin/env bash
# CI's fuzz smoke run (docs/robustness.md): builds the libFuzzer targets with clang, ASan and UBSan in
# BUILD_DIR/fuzz and runs each for SECONDS (default 30) from its seed corpus.
#   tests/fuzz/smoke.sh SOURCE_DIR BUILD_DIR DIFFINFO_CLI [SECONDS]
set -euo pipefail
src=$1
build=$2/fuzz
export DIFFINFO_CLI=$3
seconds=${4:-30}
if ! command -v clang++ >/dev/null; then
  echo "smoke.sh: clang++ not found (scripts/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DDIFFINFO_FUZZ=ON -DDIFFINFO_SANITIZE=address,undefined -DDIFFINFO_BUILD_TOOLS=OFF -DDIFFINFO_BUILD_TESTS=OFF \
  -DDIFFINFO_BUILD_BENCH=OFF >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" --target fuzz_targets -- -j2 >"$build.build.log" 2>&1 || { tail -50 "$build.build.log"; exit 1; }
exec "$src/tests/fuzz/run.sh" "$build" "$seconds"
