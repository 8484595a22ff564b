#pragma once
// Mutual information I(X; Y) from conditional diffusion models (seed 003 §4, MATH.md §4),
// two estimators side by side on the same stratified (s, x0, ε) draws:
//   MINDE (Eq. 14):                 I = ∫ σ²/2 E‖e(x_s, s; y) − e(x_s, s)‖² ds, its integrand the
//                                   MI rate and I(X_s; Y) = ∫_s^T rate;
//   difference of neural entropies: I ≈ S_NN^{X|Y} − S_NN^X (Eq. 52), paired, so its stderr is
//   (Eq. 52)                        that of the difference, not of either term.
// Any conditional residual works: one network with a null condition, two networks, or the
// exact scores of a known law (then MINDE is the estimator's floor for the data at hand).
//
//   auto mi = diffinfo::mutual_information(*process, residual, x, y, {});
//   mi.minde.total.value, mi.minde.total.std_error;   mi.minde.above(j)  // I(X_s; Y)
#include "diffinfo/condition.h"
#include "diffinfo/measure/neural_entropy.h"

namespace diffinfo {

/// [B, D] x_s, [B, 1] s, condition -> [B, D] residual e(x_s, s; y); the null condition asks for
/// the unconditional e(x_s, s).
using ConditionalResidualFn =
    std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&, const Condition&)>;

struct MutualInformationProfile {
  EntropyProfile minde;          ///< I(X; Y) by MINDE, its rate curve (Eq. 14)
  EntropyProfile difference;     ///< S_NN^{X|Y} − S_NN^X, paired (Eq. 52)
  EntropyProfile conditional;    ///< S_NN^{X|Y}
  EntropyProfile unconditional;  ///< S_NN^X
};

/// [N, D] data x0 and their condition rows ([N, D_Y] vectors or [N] int64 labels), on the
/// model's device -> both estimates with stderr and curves.
MutualInformationProfile mutual_information(const ForwardProcess& process, const ConditionalResidualFn& residual,
                                            const torch::Tensor& data, const torch::Tensor& cond,
                                            const EntropyOptions& options);

/// The sanity bound of label MI: I(X; Y) ≤ H(Y) ≤ ln K (MATH.md §4).
struct LabelBound {
  double label_entropy = 0;  ///< H(Y) of the labels' empirical law, nats
  bool exceeds = false;      ///< the estimate lies above H(Y)
  double excess_stderr = 0;  ///< (estimate − H(Y)) / stderr: above 2 means biased, not noise
};

/// [N] int64 labels -> H(Y) of their empirical law, nats.
double label_entropy(const torch::Tensor& labels);
/// An MI estimate against H(Y) of [N] labels.
LabelBound check_label_bound(const Estimate& mi, const torch::Tensor& labels);

}  // namespace diffinfo
