#!/usr/bin/env bash
# Configures and builds diffinfo (Release) into build/. Extra arguments go to CMake's configure step,
# e.g. scripts/build.sh -DTorch_DIR=$(python -c 'import torch; print(torch.utils.cmake_prefix_path)')/Torch
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
  cmake -S . -B build "$@"
fi
cmake --build build -j "${DIFFINFO_JOBS:-2}"
