#pragma once
// The curves of the label posterior along generation or along data paths (Semantic information;
// docs/math.md §6): H(C | X_s), its rate, I(X_s; C) by several routes, per-class posteriors.
//
//   diffinfo::write_label_entropy_csv("run/label_entropy.csv", profile, refs, /*pairs=*/false);
#include "diffinfo/measure/label_posterior.h"
#include "diffinfo/report/table.h"

#include <string>
#include <vector>

namespace diffinfo {

/// Reference curves beside a label posterior, each on the posterior's grid or empty.
struct LabelReferences {
  std::vector<Estimate> forward;      ///< exact H(C | X_s) by forward diffusion of a known mixture
  std::vector<double> forward_rate;   ///< its dH/ds
  std::vector<double> minde;          ///< I(X_s; C) = ∫_s^T rate by MINDE on the same model
};

/// One row per visited s: H(C | X_s) ± stderr, dH/ds ± stderr, I(X_s; C), MINDE by posterior and
/// the null's gap (± stderr); on labelled paths MINDE on them, the cross-entropy (± stderr), H(C) − CE
/// and the accuracy; then, when present,
/// the exact posterior on the same points ("exact_on_path_*", "gap_*"), the forward curve
/// ("exact_*"), MINDE's I(X_s; C) ("minde_information"); then the mean posterior of each class
/// ("posterior_c"), the "c vs null" entropies ("versus_null_c") and, with `pairs`, "pair_c_c'".
Table label_entropy_table(const PosteriorProfile& profile, const LabelReferences& refs, bool pairs);
void write_label_entropy_csv(const std::string& path, const PosteriorProfile& profile, const LabelReferences& refs,
                             bool pairs);

/// H(C | X_s), its rate and I(X_s; C) (with MINDE's when given) over s, references dashed.
void plot_label_entropy(const std::string& path, const PosteriorProfile& profile, const LabelReferences& refs,
                        const std::string& title);

}  // namespace diffinfo
