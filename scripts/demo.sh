#!/usr/bin/env bash
# Quick start 1: set up, build, and run `diffinfo demo` (arguments go to the demo).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/diffinfo demo "$@"
