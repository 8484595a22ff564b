#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for SECONDS each, from seed corpora of valid files made
# here, and prints each target's executions and coverage. A finding (crash, sanitizer report, an
# error that is not one line naming the file) stops the script with the reproducer's path.
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET ...]    (BUILD_DIR configured with -DDIFFINFO_FUZZ=ON)
# docs/robustness.md has the commands and the last results.
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
seconds=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(npy csv idx cifar json checkpoint)
python=${DIFFINFO_TEST_PYTHON:-/usr/bin/python3}
work=${FUZZ_WORK:-$build/fuzz-work}
mkdir -p "$work"
export TMPDIR=$work
# LibTorch keeps allocations alive for the process (its allocator caches, global registries): leaks
# are not findings here; everything else ASan and UBSan see is.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMP_NUM_THREADS=1

# Seeds: valid files of each format, and a small run whose checkpoint and config are the seeds of
# the checkpoint and JSON targets.
seeds=$work/seeds
if [ ! -f "$seeds/done" ]; then
  rm -rf "$seeds" && mkdir -p "$seeds"/{npy,csv,idx,cifar,json,checkpoint}
  "$python" - "$seeds" <<'PY'
import gzip, os, struct, sys
import numpy as np
out = sys.argv[1]
rng = np.random.default_rng(0)
np.save(f"{out}/npy/f4.npy", rng.normal(size=(6, 3)).astype(np.float32))
np.save(f"{out}/npy/f8.npy", rng.normal(size=(5,)))
np.save(f"{out}/npy/labels.npy", np.array([0, 1, 2, 1, 0, 2], dtype=np.int64))
np.save(f"{out}/npy/u1.npy", np.arange(8, dtype=np.uint8).reshape(4, 2))
with open(f"{out}/csv/header.csv", "w") as f: f.write("x,y\n1.5,2\n-3,4e-2\n0,1\n")
with open(f"{out}/csv/plain.csv", "w") as f: f.write("1\n2\n3\n")
img = bytes(range(2 * 3 * 4))
idx = struct.pack(">I", 0x803) + struct.pack(">III", 2, 3, 4) + img
open(f"{out}/idx/images.idx", "wb").write(idx)
open(f"{out}/idx/images.idx.gz", "wb").write(gzip.compress(idx))
open(f"{out}/idx/labels.idx", "wb").write(struct.pack(">I", 0x801) + struct.pack(">I", 3) + bytes([1, 0, 2]))
rec = lambda label: bytes([label]) + bytes((i * 7 + label) % 256 for i in range(3072))
open(f"{out}/cifar/batch.bin", "wb").write(rec(3) + rec(9))
PY
  cli=${DIFFINFO_CLI:-$build/diffinfo}
  "$cli" data gaussian --dim 2 --n 200 --out "$work/seed.npy" >/dev/null
  "$cli" train --data "$work/seed.npy" --out "$work/seed-run" --steps 20 --width 8 --depth 1 --batch 32 \
    --checkpoint-every 10 --quiet
  cp "$work/seed-run/checkpoint.pt" "$seeds/checkpoint/"
  cp "$work/seed-run/checkpoint.prev.pt" "$seeds/checkpoint/"
  cp "$work/seed-run/config.json" "$seeds/json/"
  cp "$work/seed.spec.json" "$seeds/json/"
  printf '{"prediction_type": "epsilon", "process": {"name": "vp"}, "shape": [2]}' >"$seeds/json/card.json"
  touch "$seeds/done"
fi
export DIFFINFO_FUZZ_RUN=$work/seed-run

for t in "${targets[@]}"; do
  corpus=$work/corpus-$t
  mkdir -p "$corpus"
  # Inputs that were findings once (tests/fuzz/regressions/TARGET) run first, with the seeds.
  regressions=()
  [ -d "$here/regressions/$t" ] && regressions=("$here/regressions/$t")
  log=$work/$t.log
  echo "== ${t}_fuzz: ${seconds} s"
  if ! (cd "$work" && "$build/tests/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
        -print_final_stats=1 "$corpus" "$seeds/$t" "${regressions[@]}" >"$log" 2>&1); then
    tail -40 "$log"
    echo "fuzz: ${t}_fuzz found a failure; the reproducer is named above (crash-* in $work)" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1)
  echo "   ${runs:-?} executions, ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $(ls "$corpus" | wc -l) files, no finding"
done
