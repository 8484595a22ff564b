#!/usr/bin/env bash
# Reproduces docs/semantic_information.md's tables (Semantic information, arXiv 2506.10433, docs/math.md §6): class-conditional runs
# on Gaussian mixtures with default settings, `diffinfo label-entropy` against the exact
# H(C | X_s) curve and decision window, and MINDE's I(X_s; C) on the same model; then the
# sensitivity of the 1-D two-class case to --steps and --trajectories.
# Usage: examples/label_entropy.sh [WORKDIR] (about 15 minutes on 2 cores). Writes per case
# WORKDIR/<case>.png and the run's label_entropy.csv; prints Markdown tables.
# Env: DIFFINFO (binary). Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
work=${1:-/tmp/diffinfo-label-entropy}
rm -rf "$work" && mkdir -p "$work"

summary() {  # label, JSON file, seconds
  python3 - "$@" <<'PY'
import json, sys
label, path, secs = sys.argv[1:]
j = json.load(open(path))
e, m = j["exact"], j.get("minde", {})
w = j["decision_windows"][0] if j["decision_windows"] else {"s": float("nan"), "width": float("nan")}
ew = e["decision_windows"][0] if e["decision_windows"] else {"s": float("nan")}
print("| %s | %.4f | %.4f ± %.4f | %.4f (stderr %.4f) | %.3f (%.3f) | %.3f | %+.4f | %s | %s s |" % (
    label, j["label_entropy"], j["conditional_entropy_final"]["value"], j["conditional_entropy_final"]["stderr"],
    e["max_abs_difference"], e["max_abs_difference_stderr"], w["s"], w["width"], ew["s"], e.get("peak_offset", float("nan")),
    "%.1f %%" % (100 * m["max_abs_gap_fraction_of_label_entropy"]) if m else "—", secs))
PY
}

header() {
  echo "| $1 | H(C) | H(C\|X_s) at s_end | max \|H − H_exact\| over s | window s (width) | exact window s | offset | MINDE gap / H(C) | time |"
  echo "|---|---|---|---|---|---|---|---|---|"
}

case_run() {  # name, 'diffinfo data mixture' options
  $bin data mixture $2 --n 20000 --out "$work/$1.npy" >/dev/null
  $bin train --quiet --data "$work/$1.npy" --labels "$work/$1_labels.npy" --out "$work/$1"
  local start=$(date +%s)
  $bin label-entropy --run "$work/$1" --exact "$work/$1.spec.json" --minde --pairs --plot "$work/$1.png" --json > "$work/$1.json"
  summary "$1" "$work/$1.json" $(( $(date +%s) - start ))
}

header case
case_run 1d-2class "--dim 1 --components 2 --spread 1 --var 0.05"
case_run 1d-3class "--dim 1 --components 3 --spread 1 --var 0.05"
case_run 2d-3class "--dim 2 --components 3 --spread 1 --var 0.1"

echo
header "1d-2class: steps × trajectories"
for st in "100 2000" "250 2000" "500 2000" "1000 2000" "500 500" "500 8000"; do
  set -- $st
  start=$(date +%s)
  $bin label-entropy --run "$work/1d-2class" --exact "$work/1d-2class.spec.json" --steps "$1" --trajectories "$2" \
    --csv "$work/sens-$1-$2.csv" --json > "$work/sens-$1-$2.json"
  summary "$1 × $2" "$work/sens-$1-$2.json" $(( $(date +%s) - start ))
done
