#!/usr/bin/env bash
# Reproduces docs/mutual_information.md's accuracy table: default settings unless a row
# says otherwise, MINDE and the entropy difference against the exact MI, and MINDE with the
# exact scores on the same draws (the estimator's floor). Rows: conditional models (--cond,
# --labels) and joint diffusion (--joint, MINDE-j). Usage: examples/mi_accuracy.sh [WORKDIR]
# (about 12 minutes on 2 cores). Env: DIFFINFO (binary), SEED (training seed, default 0).
# Needs build/diffinfo and python3 to read the JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
work=${1:-/tmp/diffinfo-mi-accuracy}
rm -rf "$work" && mkdir -p "$work"

row() {  # name, data subcommand + options, conditioning flag, extra train options
  local name=$1 data=$2 flag=$3 extra=${4:-}
  $bin data $data --n 20000 --out "$work/$name.npy" >/dev/null
  local cond="$work/${name}_y.npy"
  [ "$flag" = --labels ] && cond="$work/${name}_labels.npy"
  local start=$(date +%s)
  $bin train --quiet --seed "${SEED:-0}" --data "$work/$name.npy" $flag "$cond" $extra --out "$work/$name"
  local secs=$(( $(date +%s) - start ))
  $bin mi --run "$work/$name" --exact "$work/$name.spec.json" --json 2>/dev/null |
    python3 -c '
import json, sys
j = json.load(sys.stdin)
m, d, e = j["mutual_information"], j["entropy_difference"], j["exact"]
h = " (H = %.4f)" % j["label_entropy"] if "label_entropy" in j else ""
print("| %s | %s s | %.4f%s | %.4f ± %.4f | %+.2f %% | %.4f ± %.4f | %.4f ± %.4f |" % (sys.argv[1], sys.argv[2],
      e["mutual_information"]["value"], h, m["value"], m["stderr"], 100 * j["relative_error"], d["value"], d["stderr"],
      e["minde_exact_scores"]["value"], e["minde_exact_scores"]["stderr"]))' "$name ${extra}" "$secs"
}

echo "| case | training | exact MI (nats) | MINDE | MINDE error | S^X\|Y − S^X | MINDE, exact scores |"
echo "|---|---|---|---|---|---|---|"
row joint25x15      "joint-gaussian --dim-x 25 --dim-y 15 --sigma-eps 1" --cond
row joint25x15-10k  "joint-gaussian --dim-x 25 --dim-y 15 --sigma-eps 1" --cond "--steps 10000"
row joint25x15-minde-j "joint-gaussian --dim-x 25 --dim-y 15 --sigma-eps 1" --joint
row mixture3-apart  "mixture --dim 2 --components 3" --labels
row mixture3-overlap "mixture --dim 2 --components 3 --spread 1 --var 0.3" --labels
