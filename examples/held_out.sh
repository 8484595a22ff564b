#!/usr/bin/env bash
# The held-out study of docs/held_out.md: conditional runs at the defaults (held out, stopped on the held-out
# loss, measured on the held-out rows) on the data where training on every row failed: the 25- and
# 50-dimensional BMI tasks and a 20 × 20 Gaussian of three correlated latent pairs, each side rotated and
# rescaled (true I = 0.878 nats). MODE=all-rows repeats a case with `--holdout 0` (train and measure on
# every row, the behaviour before held-out runs).
#   Usage: [MODE=default|all-rows] [N=10000] examples/held_out.sh [CSV] [CASE...]
# Appends one row per case to CSV (default docs/held_out.csv) as soon as it is done and skips the cases
# (with their mode) already there, so it runs in pieces. Needs build/diffinfo and python3 with numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
csv=${1:-docs/held_out.csv}
shift || true
mode=${MODE:-default}
n=${N:-10000}
work=${WORK:-/tmp/diffinfo-held-out}
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(gaussian-20-20 multinormal-dense-25-25-0.5 multinormal-dense-50-50-0.5
  multinormal-sparse-25-25-2-2.0 normal-cdf-multinormal-sparse-25-25-2-2.0 half_cube-multinormal-sparse-25-25-2-2.0
  spiral-multinormal-sparse-25-25-2-2.0 spiral-normal-cdf-multinormal-sparse-25-25-2-2.0)
flags=()
[ "$mode" = all-rows ] && flags=(--holdout 0)
mkdir -p "$work"
[ -f "$csv" ] || echo "case,mode,n,truth,minde,minde_stderr,difference,mmse_gap,in_sample_minde,in_sample_z,measured_rows,steps,best_step,train_seconds,seconds,commit" > "$csv"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

gaussian_20_20() {  # data, condition and truth of the 20 × 20 case, seed 0
  /usr/bin/python3 - "$1" "$n" <<'PY'
import json, sys
import numpy as np
out, n = sys.argv[1], int(sys.argv[2])
g = np.random.default_rng(0)
rho = np.array([0.8, 0.6, 0.5])
z = g.standard_normal((n, 20)); w = g.standard_normal((n, 20))
w[:, :3] = rho * z[:, :3] + np.sqrt(1 - rho**2) * w[:, :3]
def mix(d):  # a random rotation and per-coordinate scales in [0.3, 3]
    q, r = np.linalg.qr(g.standard_normal((d, d)))
    return (q * np.sign(np.diag(r))) * np.exp(g.uniform(np.log(0.3), np.log(3), d))
np.save(out + ".npy", (z @ mix(20).T).astype(np.float32))
np.save(out + "_y.npy", (w @ mix(20).T).astype(np.float32))
json.dump({"mutual_information": float(-0.5 * np.log(1 - rho**2).sum())}, open(out + ".truth.json", "w"))
PY
}

for c in "${cases[@]}"; do
  if grep -q "^$c,$mode," "$csv"; then echo "held_out.sh: $c ($mode) already in $csv" >&2; continue; fi
  run="$work/$c-$mode"
  rm -rf "$run" "$run".*
  start=$(date +%s.%N)
  if [ "$c" = gaussian-20-20 ]; then
    gaussian_20_20 "$run"
  else
    $bin data bmi --task "$c" --n "$n" --seed 0 --out "$run.npy" >/dev/null
  fi
  $bin train --quiet ${flags[@]+"${flags[@]}"} --data "$run.npy" --cond "${run}_y.npy" --out "$run"
  trained=$(date +%s.%N)
  $bin mi --run "$run" --json > "$run.mi.json"
  end=$(date +%s.%N)
  python3 - "$c" "$mode" "$n" "$run" "$csv" "$start" "$trained" "$end" "$commit" <<'PY'
import json, os, sys
c, mode, n, run, csv, t0, t1, t2, commit = sys.argv[1:]
j = json.load(open(run + ".mi.json"))
if os.path.exists(run + ".truth.json"):
    truth = json.load(open(run + ".truth.json"))["mutual_information"]
else:
    truth = json.load(open(run + ".spec.json"))["mutual_information"]
log = [json.loads(l) for l in open(os.path.join(run, "train_log.jsonl"))]
steps = max(l["step"] for l in log if "loss" in l)
ends = [l for l in log if "stopped" in l]
best = ends[-1]["step"] if ends else steps
m, on = j["mutual_information"], j["measured_on"]
ins = on.get("in_sample", {"value": float("nan")})
row = [c, mode, n, "%.6f" % truth, "%.6f" % m["value"], "%.6f" % m["stderr"], "%.6f" % j["entropy_difference"]["value"],
       "%.6f" % j["mmse_gap"]["value"], "%.6f" % ins["value"], "%.2f" % on.get("in_sample_z", float("nan")),
       "%s/%s" % (on["count"], on["of"]), steps, best, "%.1f" % (float(t1) - float(t0)), "%.1f" % (float(t2) - float(t0)), commit]
open(csv, "a").write(",".join(str(v) for v in row) + "\n")
print("%s (%s): truth %.4f, MINDE %.4f ± %.4f (%+.1f %%), in-sample %.4f, %s steps (best %s), %.0f s" % (
    c, mode, truth, m["value"], m["stderr"], 100 * (m["value"] / truth - 1), ins["value"], steps, best,
    float(t2) - float(t0)), file=sys.stderr)
PY
done
