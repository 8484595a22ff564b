#pragma once
// The entropy-rate curve of a neural entropy (beside the exact one when known): a CSV table and a figure.
//
//   diffinfo::write_entropy_csv("run/entropy_rate.csv", profile, &exact);
//   diffinfo::plot_entropy("curve.png", profile, &exact, "VP, D = 6");
#include "diffinfo/measure/neural_entropy.h"
#include "diffinfo/report/table.h"

#include <string>

namespace diffinfo {

/// Columns s_lo,s_hi,s,rate,rate_stderr,cumulative,cumulative_stderr (+ exact_* when given).
Table entropy_table(const EntropyProfile& neural, const EntropyProfile* exact);
void write_entropy_csv(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact);

/// Rate (log time axis) and running integral; the exact curve dashed beside the neural one.
/// Throws when gnuplot is missing or fails.
void plot_entropy(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact,
                  const std::string& title);

}  // namespace diffinfo
