#!/usr/bin/env bash
# Reproduces docs/accuracy.md's table: default training and measurement settings, no
# tuning (held out, stopped and measured on the held-out rows: docs/held_out.md), S_NN against the
# exact S_tot. Usage: examples/accuracy.sh [WORKDIR] (about 12 minutes on 2 cores). Needs build/diffinfo (scripts/build.sh) and python3 to read the JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/diffinfo
work=${1:-/tmp/diffinfo-accuracy}
rm -rf "$work" && mkdir -p "$work"

row() {  # name, data subcommand + options, train options
  local name=$1 data=$2 train=$3
  $bin data $data --n 20000 --out "$work/$name.npy" >/dev/null
  $bin train --quiet --data "$work/$name.npy" $train --out "$work/$name"
  $bin entropy --run "$work/$name" --exact "$work/$name.spec.json" --json |
    /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
n, e, on = j["neural_entropy"], j["exact"]["total_entropy"], j["measured_on"]
exact = "%.3f" % e["value"] + (" ± %.3f" % e["stderr"] if e["stderr"] > 0 else "")
ins = on.get("in_sample", {})
print("| %s | %s | %.3f ± %.3f | %s | %+.2f %% | %s | %d |" % (sys.argv[1], j["process"]["name"], n["value"], n["stderr"],
      exact, 100 * j["relative_error"], "%.3f (%+.1f)" % (ins["value"], on["in_sample_z"]) if ins else "-", j["step"]))' "$name"
}

echo "| data | process | S_NN, held-out rows (nats) | exact S_tot (nats) | error | in-sample S_NN (z) | step |"
echo "|---|---|---|---|---|---|---|"
row gauss2-vp  "gaussian --dim 2"  "--process vp"
row gauss6-vp  "gaussian --dim 6"  "--process vp"
row gauss10-vp "gaussian --dim 10" "--process vp"
row gauss6-vpx "gaussian --dim 6"  "--process vpx"
row gauss6-sl  "gaussian --dim 6"  "--process sl"
row gauss6-ve  "gaussian --dim 6"  "--process ve"
row mix2-vp    "mixture --dim 2 --components 3 --var 0.05" "--process vp"
row mix5-vp    "mixture --dim 5 --components 4 --var 0.05" "--process vp"
row mix2-ve    "mixture --dim 2 --components 3 --var 0.05" "--process ve"
