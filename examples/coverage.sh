#!/usr/bin/env bash
# The coverage sweep of docs/uncertainty.md: laws drawn at random that no test and no default was tuned on,
# each trained and measured at the defaults, the reported 95 % interval held against the truth of the
# *population* law. Three families, in turn:
#   gaussian — S_NN (`train`, `entropy`): D uniform in 2..10, covariance eigenvalues log-uniform in
#              [0.05, 3] with both ends present, a random rotation, mean N(0, I); truth in closed form;
#   mixture  — S_NN: D uniform in 2..5, 2..5 components, Dirichlet(1) weights (unequal), means N(0, 2² I),
#              component covariances with eigenvalues log-uniform in [0.05, 1], random rotations; truth by
#              Monte Carlo on the exact density (its stderr is in the row);
#   joint    — I(X; Y) (`train --cond`, `mi`): X ~ N(0, Σ_X) with D_X uniform in 2..10 (eigenvalues as
#              above), Y = AX + σε with D_Y uniform in 1..4, A standard normal / √D_X, σ log-uniform in
#              [0.3, 1]; truth ½ ln det(Σ_Y) / σ^{2 D_Y} in closed form.
# Law i is drawn from numpy's default_rng(SEED0 + i) with N = 20 000 rows; its seed is in its row, so one
# law can be redrawn alone. The sweep appends one CSV row per law as soon as it is done and skips laws
# already in the CSV, so it runs in pieces (about 1–3 minutes per law on 2 cores; LAWS_PER_CALL limits one call).
# Usage: examples/coverage.sh [CSV] [WORKDIR]   (default docs/coverage.csv, /tmp/diffinfo-coverage)
# Env: LAWS (default 24), SEED0 (default 27000), LAWS_PER_CALL, DIFFINFO (binary), TRAIN_SEED (default 0:
# `train --seed`; another value retrains the same laws, which measures the spread over retrained networks
# that no single run reports, docs/uncertainty.md), ENSEMBLE (default 1: `train --ensemble`; a CSV begun with
# K > 1 has the column ensemble_sd, the members' spread in the interval). Needs /usr/bin/python3 with numpy
# (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
csv=${1:-docs/coverage.csv}
work=${2:-/tmp/diffinfo-coverage}
laws=${LAWS:-24}
seed0=${SEED0:-27000}
per_call=${LAWS_PER_CALL:-$laws}
train_seed=${TRAIN_SEED:-0}
ensemble=${ENSEMBLE:-1}
py=/usr/bin/python3
mkdir -p "$work"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
header="seed,family,law,quantity,value,mc_stderr,rows_stderr,span,total_stderr,low,high,truth,truth_stderr,error_pct,covered,seconds,commit"
[[ $ensemble == 1 ]] || header+=",ensemble_sd"
[[ -s $csv ]] || echo "$header" > "$csv"
[[ $(head -n 1 "$csv") == "$header" ]] || { echo "coverage.sh: $csv was begun with another ENSEMBLE (its header differs)" >&2; exit 1; }

draw() {  # seed, family -> $work/law<seed>.npy (+ _y.npy) and .spec.json; prints the law's label
  $py - "$1" "$2" "$work/law$1" <<'PY'
import json, sys
import numpy as np
seed, family, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
g = np.random.default_rng(seed)
n = 20000

def rotation(d):
    q, r = np.linalg.qr(g.standard_normal((d, d)))
    return q * np.sign(np.diag(r))

def covariance(d, lo, hi, ends):
    ev = np.exp(g.uniform(np.log(lo), np.log(hi), d))
    if ends and d >= 2:
        ev[:2] = [lo, hi]
    q = rotation(d)
    c = (q * ev) @ q.T
    return (c + c.T) / 2

if family == "gaussian":
    d = int(g.integers(2, 11))
    mean, cov = g.standard_normal(d), covariance(d, 0.05, 3.0, True)
    x = g.multivariate_normal(mean, cov, size=n)
    spec = {"type": "gaussian", "mean": mean.tolist(), "cov": cov.tolist()}
    label = "gaussian D=%d" % d
elif family == "mixture":
    d, k = int(g.integers(2, 6)), int(g.integers(2, 6))
    w = g.dirichlet(np.ones(k))
    means = 2.0 * g.standard_normal((k, d))
    covs = [covariance(d, 0.05, 1.0, False) for _ in range(k)]
    z = g.choice(k, size=n, p=w)
    x = np.empty((n, d))
    for j in range(k):
        idx = np.flatnonzero(z == j)
        x[idx] = g.multivariate_normal(means[j], covs[j], size=idx.size)
    spec = {"type": "mixture", "weights": w.tolist(), "means": means.tolist(), "covs": [c.tolist() for c in covs]}
    label = "mixture D=%d K=%d wmin=%.2f" % (d, k, w.min())
else:
    dx, dy = int(g.integers(2, 11)), int(g.integers(1, 5))
    cov = covariance(dx, 0.05, 3.0, True)
    a = g.standard_normal((dy, dx)) / np.sqrt(dx)
    sigma = float(np.exp(g.uniform(np.log(0.3), 0.0)))
    x = g.multivariate_normal(np.zeros(dx), cov, size=n)
    y = x @ a.T + sigma * g.standard_normal((n, dy))
    np.save(out + "_y.npy", y.astype(np.float32))
    cov_y = a @ cov @ a.T + sigma**2 * np.eye(dy)
    mi = 0.5 * (np.linalg.slogdet(cov_y)[1] - dy * np.log(sigma**2))
    spec = {"type": "joint-gaussian", "sigma_eps": sigma, "a": a.tolist(), "mutual_information": mi,
            "x": {"type": "gaussian", "mean": [0.0] * dx, "cov": cov.tolist()}}
    label = "joint D_X=%d D_Y=%d sigma=%.2f" % (dx, dy, sigma)
np.save(out + ".npy", x.astype(np.float32))
json.dump(spec, open(out + ".spec.json", "w"))
print(label)
PY
}

done_laws=0
for ((i = 0; i < laws && done_laws < per_call; i++)); do
  seed=$((seed0 + i))
  grep -q "^$seed," "$csv" && continue
  family=$(echo gaussian mixture joint | cut -d' ' -f$((i % 3 + 1)))
  label=$(draw "$seed" "$family")
  run="$work/run$seed"
  rm -rf "$run"
  start=$SECONDS
  if [[ $family == joint ]]; then
    $bin train --quiet --seed "$train_seed" --data "$work/law$seed.npy" --ensemble "$ensemble" --cond "$work/law${seed}_y.npy" --out "$run"
    $bin mi --run "$run" --exact "$work/law$seed.spec.json" --json > "$work/law$seed.json" 2>/dev/null
  else
    $bin train --quiet --seed "$train_seed" --ensemble "$ensemble" --data "$work/law$seed.npy" --out "$run"
    $bin entropy --run "$run" --exact "$work/law$seed.spec.json" --json > "$work/law$seed.json" 2>/dev/null
  fi
  seconds=$((SECONDS - start))
  $py - "$work/law$seed.json" "$seed" "$family" "$label" "$seconds" "$commit" >> "$csv" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
seed, family, label, seconds, commit = sys.argv[2:7]
if family == "joint":
    q, h, truth = "mutual_information", j["mutual_information"], j["exact"]["mutual_information"]
else:
    q, h, truth = "neural_entropy", j["neural_entropy"], j["exact"]["total_entropy"]
c = h["components"]
lo, hi = h["interval_95"]
t, ts = truth["value"], truth["stderr"]
print("%s,%s,%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%+.3f,%d,%.1f,%s" % (
    seed, family, label, q, h["value"], h["stderr"], c["measured_rows"], c["estimator_span"]["width"],
    h["total_stderr"], lo, hi, t, ts, 100 * (h["value"] / t - 1), int(lo <= t <= hi), float(seconds), commit)
    + (",%.6f" % c["ensemble"] if "ensemble" in j else ""))
PY
  tail -n 1 "$csv"
  done_laws=$((done_laws + 1))
done

$py - "$csv" <<'PY'
# The interval against the truth, and what each source adds: Monte Carlo alone (the stderr printed before),
# with the measured rows' sampling error, and the full interval (the estimators' span too).
import csv, math, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
if not rows:
    sys.exit(0)
z = 1.959963984540054
def covered(r, half, lo=None, hi=None):
    v, t = float(r["value"]), float(r["truth"])
    lo = v - half if lo is None else lo
    hi = v + half if hi is None else hi
    return lo <= t <= hi
def share(test):
    n = sum(test(r) for r in rows)
    return "%d/%d (%.0f %%)" % (n, len(rows), 100 * n / len(rows))
err = [abs(float(r["error_pct"])) for r in rows]
width = [100 * (float(r["high"]) - float(r["low"])) / abs(float(r["truth"])) for r in rows]
print("%d laws: median |error| %.2f %%, worst %.2f %%; median interval width %.2f %% of the truth" %
      (len(rows), statistics.median(err), max(err), statistics.median(width)))
print("  covered by value ± 1.96 Monte Carlo stderr:          " + share(lambda r: covered(r, z * float(r["mc_stderr"]))))
print("  covered by value ± 1.96 √(Monte Carlo² + rows²):     " +
      share(lambda r: covered(r, z * math.hypot(float(r["mc_stderr"]), float(r["rows_stderr"])))))
print("  covered by interval_95 (the estimators' span too):   " +
      share(lambda r: covered(r, 0, float(r["low"]), float(r["high"]))))
for family in sorted({r["family"] for r in rows}):
    sub = [r for r in rows if r["family"] == family]
    print("  %-8s %2d laws: interval_95 covers %d, median |error| %.2f %%" % (family, len(sub),
          sum(covered(r, 0, float(r["low"]), float(r["high"])) for r in sub),
          statistics.median(abs(float(r["error_pct"])) for r in sub)))
PY
