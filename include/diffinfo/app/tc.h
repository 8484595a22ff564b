#pragma once
// `diffinfo tc`: total correlation of X from an unconditional model and its per-coordinate marginal
// model, the neural form of KL(p‖p_eq) = Σ_k KL(p_k‖p_eq,k) + TC (Kelly gamblers Eq. 8; docs/math.md §3).
#include "diffinfo/app/inputs.h"
#include "diffinfo/app/report.h"
#include "diffinfo/measure/neural_entropy.h"

#include <string>

namespace diffinfo::app {

struct TcRequest {
  ModelSource model;      ///< an unconditional run on the full data X
  ModelSource marginals;  ///< a run of 'train --marginals' on the same X
  std::string data;       ///< empty: the run's own rows of `measure_on`
  RowSet measure_on = RowSet::kAuto;  ///< which of the run's own rows are measured (docs/held_out.md)
  std::string exact_spec; ///< a Gaussian spec: the closed-form TC beside
  std::string device = "cpu";
  EntropyOptions options = EntropyOptions().batch_size(0);
};

Report run_tc(const TcRequest& request);

}  // namespace diffinfo::app
