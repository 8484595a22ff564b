#!/usr/bin/env bash
# What the held-out stop sees along one conditional run (docs/held_out.md): a BMI task trained at the
# defaults but with --patience 0 (the whole schedule), a copy of the run taken at every checkpoint, and
# each copy measured by `diffinfo mi` on its held-out rows and on the rows it was trained on.
#   Usage: examples/held_out_trajectory.sh TASK [CSV]
# Appends one row per (task, checkpoint) to CSV (default docs/held_out_trajectories.csv) and skips the
# checkpoints already there. About 4 minutes of training and 2 of measuring for a 25 × 25 task on this
# project's 2-core machine. Needs build/diffinfo and /usr/bin/python3 with numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${DIFFINFO:-build/diffinfo}")
task=${1:?usage: examples/held_out_trajectory.sh TASK [CSV]}
csv=${2:-docs/held_out_trajectories.csv}
work=${WORK:-/tmp/diffinfo-trajectory}/$task
[ -f "$csv" ] || echo "task,step,holdout_loss,holdout_information,minde,entropy_difference,mmse_gap,in_sample_minde,in_sample_mmse_gap,truth,commit" > "$csv"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ ! -f "$work.done" ]; then
  rm -rf "$work" "$work".snap* && mkdir -p "$(dirname "$work")"
  "$bin" data bmi --task "$task" --n 10000 --seed 0 --out "$work.npy" >/dev/null
  "$bin" train --quiet --data "$work.npy" --cond "${work}_y.npy" --out "$work" --patience 0 &
  pid=$!
  seen=0
  while kill -0 $pid 2>/dev/null || [ $seen -eq 0 ]; do  # copy the run after each held-out evaluation
    step=$(grep -o '"step":[0-9]*,"verdict"' "$work/train_log.jsonl" 2>/dev/null | tail -1 | grep -o '[0-9]*' || true)
    if [ -n "$step" ] && [ ! -d "$work.snap$step" ]; then cp -r "$work" "$work.snap$step.tmp" && mv "$work.snap$step.tmp" "$work.snap$step"; fi
    kill -0 $pid 2>/dev/null || seen=1
    sleep 0.5
  done
  wait $pid
  touch "$work.done"
fi
for snap in $(ls -d "$work".snap* | grep -v "\.tmp$" | sort -V); do
  step=${snap##*.snap}
  grep -q "^$task,$step," "$csv" && continue
  "$bin" mi --run "$snap" --json > "$snap.mi.json" 2>/dev/null
  /usr/bin/python3 - "$task" "$step" "$snap" "$work.spec.json" "$commit" >> "$csv" <<'PY'
import json, sys
task, step, snap, spec, commit = sys.argv[1:]
j = json.load(open(snap + ".mi.json"))
log = [json.loads(l) for l in open(snap + "/train_log.jsonl")]
if any("stopped" in l for l in log):
    sys.exit(0)  # copied after the run ended on its best checkpoint: not the weights of this step
h = [l for l in log if l.get("step") == int(step) and "holdout_loss" in l][-1]
on = j["measured_on"]
row = [task, step, "%.4f" % h["holdout_loss"], "%.4f" % h.get("holdout_information", {}).get("value", float("nan")),
       "%.4f" % j["mutual_information"]["value"], "%.4f" % j["entropy_difference"]["value"], "%.4f" % j["mmse_gap"]["value"],
       "%.4f" % on["in_sample"]["value"], "%.4f" % on["in_sample_loss_form"]["value"],
       "%.4f" % json.load(open(spec))["mutual_information"], commit]
print(",".join(row))
PY
done
echo "held_out_trajectory.sh: $task in $csv" >&2
