#!/usr/bin/env bash
# Quick start 2: set up, build, and run the test suite (ctest + GoogleTest).
# Extra arguments go to ctest, e.g. scripts/test.sh -R Process
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd build
# Two tests at a time on two cores: one LibTorch thread each, as before diffinfo chose threads per network
# (cpu.h; two busy thread pools on one core run several times slower than one).
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
exec ctest --output-on-failure -j 2 "$@"
