#!/usr/bin/env bash
# Reproduces docs/bmi.md: the 40 tasks of the BMI benchmark (Czyż et al. 2023, arXiv 2306.11078),
# the same settings on every task, no per-task tuning. Each task: N pairs drawn by `diffinfo data bmi`
# (default 10000, the benchmark's size), one conditional training on them, `diffinfo mi` on the run
# (its default measurement: since held-out runs, on the pairs the run held out, docs/held_out.md). Solved: |ln(estimate / truth)| < ln 1.5 (the
# benchmark's rule) and |estimate / truth − 1| < 10 %.
#   Usage: [N=10000] [SEEDS=1] [STEPS=N] [TRAIN_FLAGS=...] examples/bmi.sh [WORKDIR] [TASK...]
# SEEDS > 1 repeats each task with fresh data and a fresh network (seeds 0..SEEDS-1) and reports
# mean ± std over seeds, as the benchmark does. STEPS unset: the training default.
# Writes WORKDIR/bmi.csv (a row per task and seed) and prints a Markdown table with the counts.
# Needs build/diffinfo and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
work=${1:-/tmp/diffinfo-bmi}
shift || true
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || read -r -a tasks <<< "$($bin data bmi --help | sed -n "s/.*benchmark's list: //p" | tr -d ',')"
[ ${#tasks[@]} -gt 0 ] || { echo "bmi.sh: no task list in '$bin data bmi --help'" >&2; exit 1; }
mkdir -p "$work"
echo "task,seed,truth,minde,minde_stderr,difference,difference_stderr,seconds" > "$work/bmi.csv"
for task in "${tasks[@]}"; do
  for seed in $(seq 0 $(( ${SEEDS:-1} - 1 ))); do
    run="$work/$task-$seed"
    rm -rf "$run"
    start=$(date +%s)
    $bin data bmi --task "$task" --n "${N:-10000}" --seed "$seed" --out "$run.npy" >/dev/null
    $bin train --quiet --seed "$seed" ${STEPS:+--steps "$STEPS"} ${TRAIN_FLAGS:-} --data "$run.npy" --cond "${run}_y.npy" --out "$run"
    $bin mi --run "$run" --exact "$run.spec.json" --json > "$run.json"
    python3 - "$task" "$seed" "$run.json" "$work/bmi.csv" $(( $(date +%s) - start )) <<'PY'
import json, sys
task, seed, path, csv, secs = sys.argv[1:]
j = json.load(open(path))
m, d, t = j["mutual_information"], j["entropy_difference"], j["exact"]["mutual_information"]["value"]
open(csv, "a").write("%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%s\n" % (task, seed, t, m["value"], m["stderr"], d["value"], d["stderr"], secs))
print("%s seed %s: truth %.4f, MINDE %.4f ± %.4f (%+.1f %%), %s s" % (task, seed, t, m["value"], m["stderr"],
      100 * (m["value"] / t - 1), secs), file=sys.stderr)
PY
  done
done
python3 - "$work/bmi.csv" <<'PY'
import csv, math, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
tasks = list(dict.fromkeys(r["task"] for r in rows))
def solved(est, truth, rule):
    if rule == "1.5": return est > 0 and abs(math.log(est / truth)) < math.log(1.5)
    return abs(est / truth - 1) < 0.10
print("| task | truth (nats) | MINDE | S^X\\|Y − S^X | MINDE error | ×1.5 | 10 % |")
print("|---|---|---|---|---|---|---|")
count = {"1.5": 0, "10": 0}
seconds = sum(float(r["seconds"]) for r in rows)
for task in tasks:
    rs = [r for r in rows if r["task"] == task]
    truth = float(rs[0]["truth"])
    m = [float(r["minde"]) for r in rs]
    d = [float(r["difference"]) for r in rs]
    if len(rs) > 1:  # mean ± std over seeds
        ms = "%.4f ± %.4f" % (statistics.mean(m), statistics.stdev(m))
        ds = "%.4f ± %.4f" % (statistics.mean(d), statistics.stdev(d))
    else:  # one seed: ± the measurement's stderr
        ms = "%.4f ± %.4f" % (m[0], float(rs[0]["minde_stderr"]))
        ds = "%.4f ± %.4f" % (d[0], float(rs[0]["difference_stderr"]))
    est = statistics.mean(m)
    ok = {rule: solved(est, truth, rule) for rule in count}
    for rule in count: count[rule] += ok[rule]
    print("| %s | %.4f | %s | %s | %+.1f %% | %s | %s |" % (task, truth, ms, ds, 100 * (est / truth - 1),
          "yes" if ok["1.5"] else "no", "yes" if ok["10"] else "no"))
print("\nSolved: %d / %d by the factor-1.5 rule, %d / %d within 10 %%; %.0f minutes in all." % (
      count["1.5"], len(tasks), count["10"], len(tasks), seconds / 60))
PY
