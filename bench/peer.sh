#!/usr/bin/env bash
# diffinfo beside the same job in plain PyTorch (bench/peer.py), in turn on the same data, and the ratios.
#
#   bench/peer.sh [BUILD_DIR]          (default: build; the tool must be built)
#
# Environment: REPEATS (default 3: each case runs diffinfo, then the peer, this many times; the
# table gives medians), STEPS (MLP training steps, default 2000), UNET_STEPS (default 20, batch 64),
# CASES (default all: mlp-d6-w64 mlp-d6-w256 mlp-d6-w512 mlp-d2-w256 mlp-d25-w256 unet-tiny
# unet-small mlp-d6-w256-bf16 mlp-d6-w512-bf16; -bf16: both train with bfloat16 products, diffinfo's
# --precision bfloat16 and torch.autocast in the peer), PYTHON (default /usr/bin/python3, Debian's python3-torch), WORKDIR (default a temp dir).
# Rates are timed inside each process: training from the first step to the last (checkpoints
# included, start-up and data loading not); measurement around the S_NN estimate alone
# (100 strata x 2048 draws, on the EMA weights). Both run with LibTorch's default thread count
# unless OMP_NUM_THREADS is set, and the table says how many each used.
set -euo pipefail
build=${1:-build}
diffinfo=$build/diffinfo
python=${PYTHON:-/usr/bin/python3}
repeats=${REPEATS:-3}
steps=${STEPS:-2000}
unet_steps=${UNET_STEPS:-20}
cases=${CASES:-mlp-d6-w64 mlp-d6-w256 mlp-d6-w512 mlp-d2-w256 mlp-d25-w256 unet-tiny unet-small mlp-d6-w256-bf16 mlp-d6-w512-bf16}
here=$(cd "$(dirname "$0")" && pwd)
work=${WORKDIR:-$(mktemp -d)}
mkdir -p "$work"
[ -x "$diffinfo" ] || { echo "peer.sh: $diffinfo not found: build first (scripts/build.sh)" >&2; exit 1; }
"$python" -c "import torch, numpy" 2>/dev/null || { echo "peer.sh: $python cannot import torch and numpy (apt-get install python3-torch python3-numpy)" >&2; exit 1; }

last_seconds() { tail -n 1 "$1" | "$python" -c "import json,sys; print(json.loads(sys.stdin.read())['seconds'])"; }

results=$work/results.jsonl
: > "$results"
sgemm=$("$python" "$here/peer.py" --data /dev/null --sgemm)
for case in $cases; do
  case $case in
    mlp-d*-w*)
      dim=${case#mlp-d}; dim=${dim%%-*}; width=${case#mlp-d*-w}; width=${width%-bf16}
      precision=float32; [ "${case%-bf16}" = "$case" ] || precision=bfloat16
      data=$work/gauss$dim.npy
      [ -f "$data" ] || "$diffinfo" data gaussian --dim "$dim" --n 20000 --out "$data" > /dev/null
      ours=(--width "$width" --precision "$precision" --steps "$steps")
      theirs=(--width "$width" --precision "$precision" --steps "$steps"); measure=1 ;;
    unet-*)
      preset=${case#unet-}
      data=$work/fm.npy
      [ -f "$data" ] || "$diffinfo" images --n 2000 --out "$data" > /dev/null
      ours=(--arch unet --preset "$preset" --batch 64 --steps "$unet_steps")
      theirs=(--arch unet --preset "$preset" --batch 64 --steps "$unet_steps" --points 0); measure=0 ;;
    *) echo "peer.sh: unknown case '$case' (mlp-dD-wW[-bf16], unet-tiny, unet-small)" >&2; exit 1 ;;
  esac
  for r in $(seq "$repeats"); do
    run=$work/run-$case-$r
    rm -rf "$run"
    "$diffinfo" train --data "$data" --out "$run" --quiet "${ours[@]}"
    train_s=$(last_seconds "$run/train_log.jsonl")
    points_s=null; s_nn=null
    if [ "$measure" = 1 ]; then
      report=$("$diffinfo" entropy --run "$run" --json)
      read -r points_s s_nn < <("$python" -c "import json,sys; j=json.loads(sys.argv[1]); o=j['settings']
print(o['points'] * o['samples_per_point'] / j['seconds'], j['neural_entropy']['value'])" "$report")
    fi
    peer=$("$python" "$here/peer.py" --data "$data" "${theirs[@]}")
    echo "{\"case\": \"$case\", \"repeat\": $r, \"steps\": ${ours[-1]}, \"diffinfo_train_seconds\": $train_s, \"diffinfo_points_per_s\": $points_s, \"diffinfo_neural_entropy\": $s_nn, \"peer\": $peer}" >> "$results"
    rm -rf "$run"
  done
done

echo "$sgemm" > "$work/sgemm.json"
"$python" "$here/peer.py" --table "$results" --data "$work/sgemm.json"
