#!/usr/bin/env bash
# Reproduces docs/mutual_information.md's benchmark table: the BMI tasks of Czyż et al. 2023
# (generated here with their closed-form truths), default measurement settings and default training
# but for STEPS, no tuning. Usage: [STEPS=N] examples/bmi.sh [WORKDIR] [TASK...] (docs/mutual_information.md's table:
# STEPS=10000, about 15 minutes on 2 cores for all; unset, the conditional default of 30000).
# TRAIN_FLAGS adds options to every training, e.g. TRAIN_FLAGS="--holdout 0.1 --patience 3".
# Writes WORKDIR/bmi.csv and prints a Markdown table. Needs build/diffinfo and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
work=${1:-/tmp/diffinfo-bmi}
shift || true
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(normal-1x1 normal-1x1-halfcube uniform-additive-0.1 uniform-additive-0.75 student-t-1x1
  student-t-1x1-asinh multinormal-dense-2 multinormal-dense-3 multinormal-dense-5 multinormal-dense-25
  multinormal-dense-50 multinormal-sparse-3x3)
mkdir -p "$work"
echo "task,truth,minde,minde_stderr,difference,difference_stderr,minde_error_stderr,seconds" > "$work/bmi.csv"
echo "| task | truth (nats) | MINDE | S^X\|Y − S^X | MINDE error |"
echo "|---|---|---|---|---|"
for task in "${tasks[@]}"; do
  rm -rf "$work/$task"
  start=$(date +%s)
  $bin data bmi --task "$task" --n 20000 --out "$work/$task.npy" >/dev/null
  $bin train --quiet ${STEPS:+--steps "$STEPS"} ${TRAIN_FLAGS:-} --data "$work/$task.npy" --cond "$work/${task}_y.npy" --out "$work/$task"
  $bin mi --run "$work/$task" --exact "$work/$task.spec.json" --json > "$work/$task.json"
  python3 - "$task" "$work/$task.json" "$work/bmi.csv" $(( $(date +%s) - start )) <<'PY'
import json, sys
task, path, csv, secs = sys.argv[1:]
j = json.load(open(path))
m, d, t = j["mutual_information"], j["entropy_difference"], j["exact"]["mutual_information"]["value"]
z = (m["value"] - t) / m["stderr"]
open(csv, "a").write("%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.1f,%s\n" % (task, t, m["value"], m["stderr"], d["value"], d["stderr"], z, secs))
print("| %s | %.4f | %.4f ± %.4f | %.4f ± %.4f | %+.1f %% |" % (task, t, m["value"], m["stderr"], d["value"], d["stderr"],
      100 * (m["value"] / t - 1)))
PY
done
