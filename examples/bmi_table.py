#!/usr/bin/env python3
"""The table of docs/bmi.md from the CSV of examples/bmi.sh: per task the mean ± std over seeds of MINDE,
its mean 95 % interval, and whether it is solved by the benchmark's rule (|mean of ln(estimate / truth)|
< ln 1.5, Czyż et al. 2023) and by a 10 % rule; then the counts, the share of single estimates whose
interval holds the truth, and the median wall time per (task, seed).
  Usage: [SEEDS=0,1] examples/bmi_table.py [CSV]   (default docs/bmi_suite.csv; SEEDS: only those seeds' rows)"""
import csv
import math
import os
import statistics
import sys

rows = list(csv.DictReader(open(sys.argv[1] if len(sys.argv) > 1 else "docs/bmi_suite.csv")))
if os.environ.get("SEEDS"):
    rows = [r for r in rows if r["seed"] in os.environ["SEEDS"].split(",")]
tasks = list(dict.fromkeys(r["task"] for r in rows))
print("| task | truth (nats) | seeds | MINDE | mean 95 % interval | error | ×1.5 | 10 % |")
print("|---|---|---|---|---|---|---|---|")
solved = {"1.5": 0, "10": 0}
for task in tasks:
    rs = [r for r in rows if r["task"] == task]
    truth = float(rs[0]["truth"])
    m = [float(r["minde"]) for r in rs]
    spread = statistics.stdev(m) if len(m) > 1 else float(rs[0]["minde_stderr"])
    logs = [math.log(v / truth) if v > 0 else -math.inf for v in m]
    mean_log = statistics.mean(logs)
    ok15 = abs(mean_log) < math.log(1.5)
    ok10 = abs(math.exp(mean_log) - 1) < 0.10
    solved["1.5"] += ok15
    solved["10"] += ok10
    low = statistics.mean(float(r["minde_low"]) for r in rs)
    high = statistics.mean(float(r["minde_high"]) for r in rs)
    print("| %s | %.4f | %d | %.4f ± %.4f | [%.4f, %.4f] | %+.1f %% | %s | %s |" % (
        task, truth, len(rs), statistics.mean(m), spread, low, high, 100 * (math.exp(mean_log) - 1),
        "yes" if ok15 else "no", "yes" if ok10 else "no"))
inside = sum(float(r["minde_low"]) <= float(r["truth"]) <= float(r["minde_high"]) for r in rows)
seconds = [float(r["seconds"]) for r in rows]
print("\nSolved: %d / %d by the factor-1.5 rule, %d / %d within 10 %%; the interval holds the truth in %d / %d "
      "single estimates; median %.0f s per (task, seed), %.0f minutes in all." % (
          solved["1.5"], len(tasks), solved["10"], len(tasks), inside, len(rows), statistics.median(seconds),
          sum(seconds) / 60))
print("(±: the std over seeds; with one seed, the measurement's Monte Carlo stderr.)")
