#!/usr/bin/python3
"""The source a single run does not report: the spread over networks retrained with other seeds.

Reads CSVs of examples/coverage.sh run on the same laws with different TRAIN_SEED values (each seed also
holds out other rows) and prints, per law, the estimates, their spread over seeds, and the random error
each run reports (Monte Carlo and the measured rows in quadrature), then the median ratio of the spread to
the reported random error over the laws: near 1, a run's random error already holds what retraining
moves; well above 1, the missing `ensemble` source matters (docs/uncertainty.md).

Usage: examples/seed_spread.py docs/coverage.csv docs/coverage_seed1.csv [more.csv ...]
"""
import csv
import math
import statistics
import sys

runs = [{r["seed"]: r for r in csv.DictReader(open(path))} for path in sys.argv[1:]]
laws = sorted(set.intersection(*(set(r) for r in runs)))
print("| law | seed | estimates over training seeds | spread (sd) | reported random error | ratio | truth |")
print("|---|---|---|---|---|---|---|")
ratios = []
for law in laws:
    rows = [r[law] for r in runs]
    values = [float(r["value"]) for r in rows]
    random = statistics.mean(math.hypot(float(r["mc_stderr"]), float(r["rows_stderr"])) for r in rows)
    spread = statistics.stdev(values)
    ratios.append(spread / random)
    print("| %s | %s | %s | %.4f | %.4f | %.2f | %.4f |" % (rows[0]["law"], law, ", ".join("%.4f" % v for v in values),
          spread, random, spread / random, float(rows[0]["truth"])))
if ratios:
    print("\n%d laws, %d training seeds each: median spread / reported random error %.2f" %
          (len(ratios), len(runs), statistics.median(ratios)))
