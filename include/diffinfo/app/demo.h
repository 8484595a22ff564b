#pragma once
// `diffinfo demo`: the whole pipeline on an embedded default — a 6-D Gaussian with a random covariance,
// an entropy-matching model under VP, S_NN against the exact S_tot with the curve and its plot.
#include "diffinfo/app/report.h"

#include <string>

namespace diffinfo::app {

struct DemoRequest {
  std::string out = "demo_run", device = "cpu";
  int64_t dim = 6, rows = 20000, steps = TrainOptions().steps();
  uint64_t seed = 0;  ///< of data, training and measurement
};

/// A finished demo in `out` is measured again rather than retrained.
Report run_demo(const DemoRequest& request, const Progress& progress);

}  // namespace diffinfo::app
