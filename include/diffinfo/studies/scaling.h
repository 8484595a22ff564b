#pragma once
// The scaling study (Neural Entropy, arXiv 2409.03817): S_NN against training-set size N. One model per
// size on nested random subsets of the data, then a least-squares fit of S_NN against ln N with the
// slope's stderr, a table and a plot with the residuals. Every run resumes.
//
//   diffinfo::studies::ScalingRequest r;  r.data = "fm.npy";  r.sizes = {100, 1000, 10000};
//   auto report = diffinfo::studies::run_scaling(r, {});
#include "diffinfo/app/network_choice.h"
#include "diffinfo/app/report.h"
#include "diffinfo/measure/neural_entropy.h"

#include <string>
#include <vector>

namespace diffinfo::studies {

struct ScalingRequest {
  std::string data;                 ///< [N, D] rows (images: 'diffinfo images' writes them)
  std::vector<int64_t> sizes;       ///< at least 3 training-set sizes
  std::string out = "scaling", process = "vp", device = "cpu";
  int64_t steps = TrainOptions().steps(), batch = TrainOptions().batch_size();
  app::NetworkChoice net;           ///< one network shape for every N; no labels
  EntropyOptions options = EntropyOptions().batch_size(0);
};

/// Trains (or resumes) and measures each size; the row of each size goes to progress.line as it is known.
app::Report run_scaling(const ScalingRequest& request, const app::Progress& progress);

}  // namespace diffinfo::studies
