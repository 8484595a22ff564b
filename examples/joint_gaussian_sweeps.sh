#!/usr/bin/env bash
# Seed 003's joint-Gaussian experiments (Figs. 3, 9, 10, 11; docs/math.md §4) with default settings:
#   determinism: D_X = 25, D_Y = 15, full-rank Σ_X, σ_ε lowered, so I(X;Y) grows without bound
#                while S_tot^X stays put;
#   flattening:  D_X = 50, D_Y = 8, k = 10 large directions, σ_ε = 1, the other D_X − k
#                eigenvalues λ_δ lowered, so S_tot^X grows while I(X;Y) stays finite.
# Each point trains one conditional model and measures S_NN^X, S_NN^{X|Y} and I(X;Y) (MINDE and
# the entropy difference) against the closed forms, with the exact-score MINDE on the same draws.
# Usage: examples/joint_gaussian_sweeps.sh [WORKDIR] (about 25 minutes on 2 cores). Writes
# WORKDIR/sweeps.csv, the summary WORKDIR/sweeps.png, and per point the rate curves
# WORKDIR/<sweep>-<value>.png (and the run's mi_rate.csv); prints a Markdown table.
# Env: DIFFINFO (binary), SIGMAS ("2 1 0.5 0.25 0.1"), LAMBDAS ("1e-1 1e-2 1e-3 1e-4"). Needs
# python3 and gnuplot.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DIFFINFO:-build/diffinfo}
work=${1:-/tmp/diffinfo-sweeps}
rm -rf "$work" && mkdir -p "$work"
csv="$work/sweeps.csv"
echo "sweep,value,mi_true,minde,minde_stderr,difference,difference_stderr,minde_exact_scores,s_x_true,s_x_nn,s_x_nn_stderr,s_xy_true,s_xy_nn,s_xy_nn_stderr,seconds" > "$csv"

point() {  # sweep name, swept value, 'diffinfo data joint-gaussian' options
  local name="$1-$2"
  $bin data joint-gaussian $3 --n 20000 --out "$work/$name.npy" >/dev/null
  local start=$(date +%s)
  $bin train --quiet --data "$work/$name.npy" --cond "$work/${name}_y.npy" --out "$work/$name"
  $bin mi --run "$work/$name" --exact "$work/$name.spec.json" --plot "$work/$name.png" --json > "$work/$name.json" 2>/dev/null
  python3 - "$1" "$2" "$work/$name.json" "$csv" $(( $(date +%s) - start )) <<'PY'
import json, sys
sweep, value, path, csv, secs = sys.argv[1:]
j = json.load(open(path))
m, d, e = j["mutual_information"], j["entropy_difference"], j["exact"]
sx, sxy = j["unconditional_entropy_nn"], j["conditional_entropy_nn"]
row = (sweep, value, e["mutual_information"]["value"], m["value"], m["stderr"], d["value"], d["stderr"],
       e["minde_exact_scores"]["value"], e["total_entropy_x"], sx["value"], sx["stderr"],
       e["total_entropy_x_given_y"], sxy["value"], sxy["stderr"], secs)
open(csv, "a").write("%s,%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%s\n" % row)
print("| %s | %s | %.3f | %.3f ± %.3f (%+.1f %%) | %.3f ± %.3f | %.3f | %.2f | %.2f ± %.2f | %.2f | %.2f ± %.2f |" % (
    sweep, value, row[2], row[3], row[4], 100 * (row[3] / row[2] - 1), row[5], row[6], row[7], row[8], row[9], row[10],
    row[11], row[12], row[13]))
PY
}

echo "| sweep | value | I(X;Y) exact | MINDE | S^X\|Y − S^X | MINDE, exact scores | S_tot^X | S_NN^X | S_tot^X\|Y | S_NN^X\|Y |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for se in ${SIGMAS:-2 1 0.5 0.25 0.1}; do
  point determinism "$se" "--dim-x 25 --dim-y 15 --sigma-eps $se"
done
for ld in ${LAMBDAS:-1e-1 1e-2 1e-3 1e-4}; do
  point flattening "$ld" "--mode flattening --dim-x 50 --dim-y 8 --rank 10 --sigma-eps 1 --lambda-delta $ld --epsilon 1e-6"
done

gnuplot <<GP
set terminal pngcairo size 1100,800 font 'Sans,10'
set output "$work/sweeps.png"
set datafile separator ","
set logscale x
set grid
set key top right
set multiplot layout 2,2 columnsfirst title "joint Gaussian: determinism (D_X = 25, D_Y = 15) and flattening (D_X = 50, D_Y = 8, k = 10)" noenhanced
do for [sweep in "determinism flattening"] {
  data = "< awk -F, 'NR > 1 && \$1 == \"".sweep."\"' $csv"
  set xlabel (sweep eq "determinism" ? "sigma_eps" : "lambda_delta") noenhanced
  set ylabel "I(X;Y) (nats)"
  plot data using 2:3 with linespoints lw 2 lc "black" title "exact", \
       data using 2:4:5 with yerrorlines lw 2 title "MINDE", \
       data using 2:6:7 with yerrorlines title "S^X|Y - S^X" noenhanced, \
       data using 2:8 with points pt 6 title "MINDE, exact scores"
  set ylabel "entropy (nats)"
  plot data using 2:9 with linespoints lw 2 lc "black" title "S_tot^X" noenhanced, \
       data using 2:10:11 with yerrorlines title "S_NN^X" noenhanced, \
       data using 2:12 with linespoints lw 2 dt 2 lc "black" title "S_tot^X|Y" noenhanced, \
       data using 2:13:14 with yerrorlines title "S_NN^X|Y" noenhanced
}
unset multiplot
GP
echo "wrote $csv, $work/sweeps.png and the per-point curves $work/<sweep>-<value>.png"
