#!/usr/bin/env bash
# The BMI benchmark (Czyż et al. 2023, arXiv 2306.11078) at diffinfo's defaults, in resumable pieces:
# its 40 tasks × SEEDS seeds, the same settings on every task, no per-task tuning. Each (task, seed):
# N pairs drawn by `diffinfo data bmi --seed SEED` (default 10000, the benchmark's size), one conditional
# training with `--seed SEED` (held out, stopped on the held-out information, docs/held_out.md), and
# `diffinfo mi` on the run (on its held-out pairs), with its 95 % interval (docs/uncertainty.md).
#   Usage: [N=10000] [SEEDS=5] [BUDGET=seconds] [STEPS=N] [TRAIN_FLAGS=...] examples/bmi.sh [CSV] [TASK...]
# Appends one row per (task, seed) to CSV (default docs/bmi_suite.csv) as soon as it is done and skips
# the pairs already there, seed by seed (every task of seed 0 first), so it runs in pieces; BUDGET stops
# it from starting a pair once that many seconds have passed. examples/bmi_table.py CSV prints the
# table. Run directories go to WORK (default /tmp/diffinfo-bmi). Needs build/diffinfo and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
csv=${1:-docs/bmi_suite.csv}
shift || true
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || read -r -a tasks <<< "$($bin data bmi --help | sed -n "s/.*benchmark's list: //p" | tr -d ',')"
[ ${#tasks[@]} -gt 0 ] || { echo "bmi.sh: no task list in '$bin data bmi --help'" >&2; exit 1; }
work=${WORK:-/tmp/diffinfo-bmi}
mkdir -p "$work"
[ -f "$csv" ] || echo "task,seed,n,truth,minde,minde_stderr,minde_total_stderr,minde_low,minde_high,difference,difference_stderr,mmse_gap,mmse_gap_stderr,steps,best_step,seconds,commit" > "$csv"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
begin=$(date +%s)
for seed in $(seq 0 $(( ${SEEDS:-5} - 1 ))); do
  for task in "${tasks[@]}"; do
    grep -q "^$task,$seed," "$csv" && continue
    if [ -n "${BUDGET:-}" ] && [ $(( $(date +%s) - begin )) -ge "$BUDGET" ]; then
      echo "bmi.sh: budget of $BUDGET s spent; run again to go on" >&2; exit 0
    fi
    run="$work/$task-$seed"
    rm -rf "$run" "$run".*
    start=$(date +%s.%N)
    $bin data bmi --task "$task" --n "${N:-10000}" --seed "$seed" --out "$run.npy" >/dev/null
    $bin train --quiet --seed "$seed" ${STEPS:+--steps "$STEPS"} ${TRAIN_FLAGS:-} --data "$run.npy" --cond "${run}_y.npy" --out "$run"
    $bin mi --run "$run" --exact "$run.spec.json" --json > "$run.json" 2> "$run.err"
    python3 - "$task" "$seed" "${N:-10000}" "$run" "$csv" "$start" "$(date +%s.%N)" "$commit" <<'PY'
import json, os, sys
task, seed, n, run, csv, t0, t1, commit = sys.argv[1:]
j = json.load(open(run + ".json"))
m, d, g = j["mutual_information"], j["entropy_difference"], j["mmse_gap"]
truth = j["exact"]["mutual_information"]["value"]
log = [json.loads(l) for l in open(os.path.join(run, "train_log.jsonl"))]
steps = max(l["step"] for l in log if "loss" in l)
ends = [l for l in log if "stopped" in l]
best = ends[-1]["step"] if ends else steps
row = [task, seed, n, "%.6f" % truth, "%.6f" % m["value"], "%.6f" % m["stderr"], "%.6f" % m["total_stderr"],
       "%.6f" % m["interval_95"][0], "%.6f" % m["interval_95"][1], "%.6f" % d["value"], "%.6f" % d["stderr"],
       "%.6f" % g["value"], "%.6f" % g["stderr"], steps, best, "%.1f" % (float(t1) - float(t0)), commit]
open(csv, "a").write(",".join(str(v) for v in row) + "\n")
inside = m["interval_95"][0] <= truth <= m["interval_95"][1]
print("%s seed %s: truth %.4f, MINDE %.4f ± %.4f (%+.1f %%), interval [%.4f, %.4f] %s, %.0f s" % (
    task, seed, truth, m["value"], m["stderr"], 100 * (m["value"] / truth - 1), m["interval_95"][0],
    m["interval_95"][1], "holds it" if inside else "misses it", float(t1) - float(t0)), file=sys.stderr)
PY
  done
done
echo "bmi.sh: every pair is in $csv" >&2
