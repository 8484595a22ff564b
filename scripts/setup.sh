#!/usr/bin/env bash
# Installs every Debian package diffinfo needs. Idempotent: installs only what is missing.
# Runs as root, or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread       # LibTorch; OpenBLAS, or LibTorch falls back to reference BLAS (10x slower)
  libgloo-dev                              # the headers of c10d's Gloo process group (several ranks)
  nlohmann-json3-dev libcli11-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox                              # plots (PNG through pngcairo, SVG)
  dataset-fashion-mnist                    # the real image data set Debian ships
  clang libclang-rt-14-dev                 # tests only: libFuzzer with ASan and UBSan (tests/fuzz)
  python3-torch python3-numpy              # tests only: models written by real PyTorch (never needed by the tool)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# LibTorch must run on OpenBLAS, not the reference BLAS.
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || readlink -f /usr/lib/*/libblas.so.3 2>/dev/null || true)
case "$blas" in
  *openblas*) ;;
  *) echo "setup.sh: warning: libblas.so.3 resolves to '$blas', not OpenBLAS; select it with update-alternatives" >&2 ;;
esac
echo "setup.sh: all packages present"
