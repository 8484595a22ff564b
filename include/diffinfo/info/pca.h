#pragma once
// Principal components, for 2-D maps of latents (Kelly gamblers Fig. 15 uses t-SNE; PCA is exact and
// linear, so clusters it shows are there).
//
//   auto p = diffinfo::principal_components(z, 2);   // [N, D] -> scores [N, 2], variances [2]
#include <torch/torch.h>

namespace diffinfo {

struct Projection {
  torch::Tensor scores;     ///< [N, k] the centred rows on the top k axes
  torch::Tensor variances;  ///< [k] the variance along each axis, largest first
  torch::Tensor axes;       ///< [D, k] unit axes
};

/// [N, D] rows (N ≥ 2, 1 ≤ k ≤ D) -> their projection onto the k leading principal axes (float64).
Projection principal_components(const torch::Tensor& x, int64_t k);

}  // namespace diffinfo
