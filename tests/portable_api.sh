#!/usr/bin/env bash
# Fails on LibTorch API that Debian's 1.13 has and PyTorch 2.x's LibTorch does not, so that the CPU-only
# CI catches what only a GPU build would. Usage: portable_api.sh SOURCE_DIR
set -uo pipefail
cd "$1"
# torch/linalg.h (namespace torch::linalg) is gone from PyTorch 2.11; the ATen ops torch::linalg_* are in both.
if grep -rn --include='*.cpp' --include='*.h' -e 'torch::linalg::' -e 'torch/linalg\.h' src include tools tests bench; then
  echo "portable_api.sh: use torch::linalg_<op> (ATen), not torch::linalg::<op>: PyTorch 2.x's LibTorch has no torch/linalg.h" >&2
  exit 1
fi
