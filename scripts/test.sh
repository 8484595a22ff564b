#!/usr/bin/env bash
# Quick start 2: set up, build, and run the test suite (ctest + GoogleTest).
# Extra arguments go to ctest, e.g. scripts/test.sh -R Process
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd build
exec ctest --output-on-failure -j 2 "$@"
