#pragma once
// `diffinfo label-entropy`: when generation decides the class (Semantic information, arXiv 2506.10433;
// docs/math.md §6). The posterior over the labels of a class-conditional model along reverse
// trajectories (or along labelled data paths), H(C | X_s), its rate and the decision windows; exact
// curves for mixtures; MINDE's I(X_s; C) beside it.
#include "diffinfo/app/inputs.h"
#include "diffinfo/app/report.h"
#include "diffinfo/measure/label_posterior.h"

#include <string>

namespace diffinfo::app {

struct LabelEntropyRequest {
  ModelSource model;           ///< a class-conditional run (train --labels)
  std::string labels, data;    ///< empty: the run's own rows of `measure_on`
  RowSet measure_on = RowSet::kAuto;  ///< --from-data, --minde: which of the run's own rows (docs/held_out.md)
  std::string exact_spec;      ///< a mixture's spec JSON: exact curves and windows
  std::string csv, plot;       ///< csv empty: RUN/label_entropy.csv
  std::string device = "cpu";
  bool pairs = false;          ///< also the pairwise c vs c' entropies and their windows
  bool minde = false;          ///< also MINDE's I(X_s; C) on the data
  bool from_data = false;      ///< paths from the labelled data instead of generated ones
  int64_t eval_batch = 0;      ///< paths per batch; 0: posterior_batch decides
  PosteriorOptions options;
};

Report run_label_entropy(const LabelEntropyRequest& request);

}  // namespace diffinfo::app
