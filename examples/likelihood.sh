#!/usr/bin/env bash
# Reproduces docs/likelihood.md's table: entropy-matching models trained on Gaussian data (D = 4, 6, 10;
# VP, default settings) measured by `diffinfo nll` against the law's exact entropy: NLL by the PF-ODE
# (exact divergence and Hutchinson), the denoising bound, the DDPM ELBO and the thermodynamic bound.
# Rows whose PF-ODE trajectory escapes the prior are counted and left out of the NLL columns.
# The NLL is taken on held-out draws of the same law: on training rows a model can beat the law itself.
# Usage: examples/likelihood.sh [WORKDIR] (about 15 minutes on 2 cores). Prints a Markdown table and
# writes WORKDIR/d<D>/thermo.png.
# Env: DIFFINFO (binary), STEPS (training steps, default the CLI's), ROWS (held-out rows integrated, default 2000).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
work=${1:-/tmp/diffinfo-likelihood}
rows=${ROWS:-2000}
steps=${STEPS:+--steps $STEPS}
rm -rf "$work" && mkdir -p "$work"

echo "| D | S0 (exact) | NLL, exact div. | escaped | NLL − (−ln p_d), paired | NLL, Hutchinson − exact | denoising bound | DDPM ELBO | thermodynamic bound | gap NLL − bound, paired | NFE | seconds |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for d in 4 6 10; do
  w="$work/d$d"
  mkdir -p "$w"
  "$bin" data gaussian --dim "$d" --n 20000 --out "$w/x.npy" >/dev/null
  "$bin" data gaussian --dim "$d" --n "$rows" --seed 1 --out "$w/held.npy" >/dev/null  # same law, fresh draws
  "$bin" train --quiet --data "$w/x.npy" --out "$w/run" $steps
  t0=$(date +%s)
  "$bin" nll --run "$w/run" --data "$w/held.npy" --exact "$w/x.spec.json" --rows 0 --json >"$w/nll.json"
  t1=$(date +%s)
  cp "$w/run/nll.csv" "$w/nll_exact.csv"
  "$bin" nll --run "$w/run" --data "$w/held.npy" --exact "$w/x.spec.json" --rows 0 --divergence hutchinson --ddpm-steps 0 \
      --csv "$w/nll_hutchinson.csv" --json >"$w/nll_hutchinson.json"
  "$bin" thermo --run "$w/run" --exact "$w/x.spec.json" --plot "$w/thermo.png" --json >"$w/thermo.json"
  python3 - "$d" "$w" "$((t1 - t0))" <<'PY'
import csv, json, math, sys
d, w, secs = sys.argv[1:]
j = json.load(open(w + "/nll.json"))
exact = [float(r["log_likelihood"]) for r in csv.DictReader(open(w + "/nll_exact.csv"))]
hutch = [float(r["log_likelihood"]) for r in csv.DictReader(open(w + "/nll_hutchinson.csv"))]
esc = set(j["escaped"]["rows"])  # rows whose flow diverged: left out of the paired comparisons
diff = [e - h for i, (e, h) in enumerate(zip(exact, hutch)) if i not in esc]  # NLL_hutchinson − NLL_exact, paired
m = sum(diff) / len(diff)
se = math.sqrt(sum((x - m) ** 2 for x in diff) / (len(diff) - 1) / len(diff))
f = lambda e: "%.4f ± %.4f" % (e["value"], e["stderr"])
tb = j["thermodynamic_bound"]
ex = j["excess_over_data"].get("without_escaped", j["excess_over_data"])
gap = {"value": tb["data_entropy"]["value"] + ex["value"] - tb["value"], "stderr": math.hypot(ex["stderr"], tb["stderr"])}
print("| %s | %.4f | %s | %d of %d | %s | %+.4f ± %.4f | %s | %s | %s | %s | %.0f | %s |" % (
    d, tb["data_entropy"]["value"], f(j["escaped"]["nll_without"]), j["escaped"]["count"], j["rows"], f(ex), m, se,
    f(j["denoising_bound"]), f(j["ddpm_elbo"]), f(tb), f(gap), j["nfe"], secs))
PY
done
