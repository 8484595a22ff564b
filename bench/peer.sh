#!/usr/bin/env bash
# diffinfo beside the same job in plain PyTorch (bench/peer.py), in turn on the same data, and the ratios.
#
#   bench/peer.sh [BUILD_DIR]          (default: build; the tool must be built)
#
# Environment: REPEATS (default 3: each case runs diffinfo, then the peer, this many times; the
# table gives medians), STEPS (MLP training steps, default 2000), UNET_STEPS (default 20, batch 64),
# CASES (default all: mlp-d6-w64 mlp-d6-w256 mlp-d6-w512 mlp-d2-w256 mlp-d25-w256 unet-tiny
# unet-small), PYTHON (default /usr/bin/python3, Debian's python3-torch), WORKDIR (default a temp dir).
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
cases=${CASES:-mlp-d6-w64 mlp-d6-w256 mlp-d6-w512 mlp-d2-w256 mlp-d25-w256 unet-tiny unet-small}
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
      dim=${case#mlp-d}; dim=${dim%%-*}; width=${case##*-w}
      data=$work/gauss$dim.npy
      [ -f "$data" ] || "$diffinfo" data gaussian --dim "$dim" --n 20000 --out "$data" > /dev/null
      ours=(--width "$width" --steps "$steps"); theirs=(--width "$width" --steps "$steps"); measure=1 ;;
    unet-*)
      preset=${case#unet-}
      data=$work/fm.npy
      [ -f "$data" ] || "$diffinfo" images --n 2000 --out "$data" > /dev/null
      ours=(--arch unet --preset "$preset" --batch 64 --steps "$unet_steps")
      theirs=(--arch unet --preset "$preset" --batch 64 --steps "$unet_steps" --points 0); measure=0 ;;
    *) echo "peer.sh: unknown case '$case' (mlp-dD-wW, unet-tiny, unet-small)" >&2; exit 1 ;;
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

"$python" - "$results" "$sgemm" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
sgemm = json.loads(sys.argv[2])["sgemm_gflops"]
def macs(case):  # multiply-adds of one forward pass per row, weight matrices only (MLP)
    if not case.startswith("mlp"):
        return None
    d, w = (int(v) for v in case[5:].split("-w"))
    return (d + 33) * w + 2 * w * w + w * d
print(f"sgemm (512^3, float32, OpenBLAS through PyTorch, {rows[0]['peer']['threads']} thread(s)): {sgemm:.0f} GFLOP/s\n")
print("| case | diffinfo steps/s | PyTorch steps/s | ratio | diffinfo share of sgemm | diffinfo points/s | PyTorch points/s | ratio | S_NN diffinfo / PyTorch |")
print("|---|---|---|---|---|---|---|---|---|")
for case in dict.fromkeys(r["case"] for r in rows):
    rs = [r for r in rows if r["case"] == case]
    ours = statistics.median(r["steps"] / r["diffinfo_train_seconds"] for r in rs)
    theirs = statistics.median(r["peer"]["steps_per_s"] for r in rs)
    ratio = statistics.median(r["steps"] / r["diffinfo_train_seconds"] / r["peer"]["steps_per_s"] for r in rs)
    batch = 64 if case.startswith("unet") else 512
    m = macs(case)
    share = f"{100 * 6 * batch * m * ours * 1e-9 / sgemm:.0f} %" if m else "—"
    if rs[0]["diffinfo_points_per_s"] is not None:
        pu = statistics.median(r["diffinfo_points_per_s"] for r in rs)
        pt = statistics.median(r["peer"]["points_per_s"] for r in rs)
        pr = statistics.median(r["diffinfo_points_per_s"] / r["peer"]["points_per_s"] for r in rs)
        snn = f"{statistics.median(r['diffinfo_neural_entropy'] for r in rs):.3f} / {statistics.median(r['peer']['neural_entropy'] for r in rs):.3f}"
        meas = f"{pu / 1e3:.0f} k | {pt / 1e3:.0f} k | {pr:.2f}× | {snn}"
    else:
        meas = "— | — | — | —"
    unit = " (images/s ×1/64)" if case.startswith("unet") else ""
    print(f"| {case} | {ours:.1f}{unit} | {theirs:.1f} | {ratio:.2f}× | {share} | {meas} |")
print(f"\n{len(rows) // len(set(r['case'] for r in rows))} repeats; medians; per-run lines in {sys.argv[1]}")
EOF
