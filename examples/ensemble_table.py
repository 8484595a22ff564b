#!/usr/bin/env python3
"""The ensemble against one network, law by law (docs/uncertainty.md, "The ensemble").

Usage: examples/ensemble_table.py docs/coverage.csv docs/coverage_ensemble3.csv
Both CSVs are examples/coverage.sh's (the second made with ENSEMBLE=K); laws are matched by seed. Prints a
markdown table — each law's interval with one network and with K, the members' spread beside the random
error one run reports — and the coverage, median width and cost of each.
"""
import csv
import math
import statistics
import sys

one = {r["seed"]: r for r in csv.DictReader(open(sys.argv[1]))}
ens = [r for r in csv.DictReader(open(sys.argv[2])) if r["seed"] in one]
if not ens:
    sys.exit("no law of %s is in %s" % (sys.argv[2], sys.argv[1]))


def covers(r):
    return float(r["low"]) <= float(r["truth"]) <= float(r["high"])


def width(r):
    return 100 * (float(r["high"]) - float(r["low"])) / abs(float(r["truth"]))


print("| seed | law | value | truth | one network: interval_95 | covers | ensemble sd | random error of one run "
      "| with the ensemble: interval_95 | covers |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in ens:
    o = one[r["seed"]]
    random = math.hypot(float(o["mc_stderr"]), float(o["rows_stderr"]))
    print("| %s | %s | %.4f | %.4f | [%.4f, %.4f] | %s | %.4f | %.4f | [%.4f, %.4f] | %s |" % (
        r["seed"], r["law"], float(r["value"]), float(r["truth"]), float(o["low"]), float(o["high"]),
        "yes" if covers(o) else "**no**", float(r["ensemble_sd"]), random, float(r["low"]), float(r["high"]),
        "yes" if covers(r) else "**no**"))
mine = [one[r["seed"]] for r in ens]
ratio = [float(r["ensemble_sd"]) / math.hypot(float(one[r["seed"]]["mc_stderr"]), float(one[r["seed"]]["rows_stderr"]))
         for r in ens]
print()
print("%d laws: covered %d (one network) and %d (ensemble); median width %.2f %% and %.2f %% of the truth; "
      "median ensemble sd / one run's random error %.2f; median seconds per law %.0f and %.0f" % (
          len(ens), sum(map(covers, mine)), sum(map(covers, ens)), statistics.median(map(width, mine)),
          statistics.median(map(width, ens)), statistics.median(ratio),
          statistics.median(float(r["seconds"]) for r in mine), statistics.median(float(r["seconds"]) for r in ens)))
