#pragma once
// Total correlation TC(X) = KL(p(x) ‖ Π p(x_k)) from neural entropies (Kelly gamblers Eq. 8): with
// p_eq a product, KL(p‖p_eq) = Σ_k KL(p_k‖p_eq,k) + TC, so S_NN(X) − Σ_k S_NN(X_k) estimates
// TC(X_0) − TC(X_T) (the second term vanishes as p_T forgets the data). The per-coordinate
// models are one network conditioned on the coordinate index (data/stacking.h).
//
//   auto tc = diffinfo::total_correlation(*process, joint, marginal, x, {});
//   tc.total_correlation.value, tc.total_correlation.std_error
#include "diffinfo/measure/mutual_information.h"

#include <utility>
#include <vector>

namespace diffinfo {


struct TotalCorrelation {
  EntropyProfile joint;                   ///< S_NN(X)
  std::vector<EntropyProfile> marginals;  ///< S_NN(X_k), k = 0…D−1
  Estimate marginal_sum;                  ///< Σ_k S_NN(X_k)
  Estimate total_correlation;             ///< S_NN(X) − Σ_k S_NN(X_k)
};

/// `joint`: the D-dimensional residual; `marginal`: the 1-D residual given coordinate labels
/// [B] int64. [N, D] data -> the decomposition, each term from its own independent draws.
TotalCorrelation total_correlation(const ForwardProcess& process, const ResidualFn& joint,
                                   const ConditionalResidualFn& marginal, const torch::Tensor& data,
                                   const EntropyOptions& options);

}  // namespace diffinfo
