#pragma once
// `diffinfo mi`: I(X; Y) of a conditional or joint model by MINDE, by the difference of neural entropies
// and by the MMSE gap, each with its stderr and rate curve (Kelly gamblers §4; docs/math.md §4), with
// the checks a label MI needs (H(Y) bounds it) and the two warnings the estimators give of themselves:
// a gain of MINDE that goes on through the lowest decade of s, and MINDE parting from the MMSE gap.
//
//   auto r = diffinfo::app::run_mi(diffinfo::app::MiRequest{{"runs/labels"}});
#include "diffinfo/app/inputs.h"
#include "diffinfo/app/report.h"
#include "diffinfo/measure/neural_entropy.h"

#include <string>

namespace diffinfo::app {

struct MiRequest {
  ModelSource model;         ///< conditional (--cond, --labels) or joint (--joint) run
  ModelSource uncond;        ///< a separate unconditional model for e(x_s, s); an empty run: the null condition
  std::string data, cond, labels;  ///< empty: the run's own rows of `rows`
  RowSet measure_on = RowSet::kAuto;  ///< which of the run's own rows are measured (docs/held_out.md)
  std::string exact_spec;    ///< a law's spec JSON: exact MI and exact-score curves
  std::string csv, plot;     ///< csv empty: RUN/mi_rate.csv
  std::string device = "cpu";
  EntropyOptions options = EntropyOptions().batch_size(0);
};

/// MINDE's small-s drift is flagged when its gain per e-fold is above this many stderrs...
constexpr double kDriftStderrs = 2.0;
/// ...and the lowest decade adds more than this fraction of MINDE.
constexpr double kDriftFraction = 0.01;
/// MINDE − MMSE gap is flagged when it is this many stderrs from 0 and this fraction of MINDE.
constexpr double kOrthogonalityStderrs = 3.0, kOrthogonalityFraction = 0.05;

Report run_mi(const MiRequest& request);

}  // namespace diffinfo::app
