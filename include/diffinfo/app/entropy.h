#pragma once
// `diffinfo entropy`: the neural entropy S_NN of a model with its stderr and entropy-rate curve
// (Neural Entropy; docs/math.md §3), beside an exact reference when the law is known.
//
//   auto r = diffinfo::app::run_entropy(diffinfo::app::EntropyRequest{{"runs/vp6"}});
//   r.json["neural_entropy"]["value"]
#include "diffinfo/app/inputs.h"
#include "diffinfo/app/report.h"
#include "diffinfo/measure/neural_entropy.h"

#include <string>

namespace diffinfo::app {

struct EntropyRequest {
  ModelSource model;
  std::string data;        ///< data x0 [N, D]; empty: the run's own rows of `rows`
  RowSet measure_on = RowSet::kAuto;  ///< which of the run's own rows are measured (docs/held_out.md)
  std::string exact_spec;  ///< a law's spec JSON: the exact S_tot and curve beside
  bool exact_gaussian = false;  ///< the exact S_tot and curve of the Gaussian fitted to the data
  std::string csv;         ///< where the curve goes; empty: RUN/entropy_rate.csv
  std::string plot;        ///< FILE.png or FILE.svg, or empty
  std::string device = "cpu";
  EntropyOptions options = EntropyOptions().batch_size(0);  ///< batch 0: measurement_options decides
};

/// Measures, writes the curve (and plot), and reports.
Report run_entropy(const EntropyRequest& request);

}  // namespace diffinfo::app
