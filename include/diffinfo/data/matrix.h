#pragma once
// The one way data enter diffinfo: a [N, D] float64 matrix from .npy or .csv, checked.
//
//   torch::Tensor x = diffinfo::load_matrix("x.npy");    // [N, D] float64, finite
#include <torch/torch.h>

#include <string>

namespace diffinfo {

/// Reads .npy (float32/float64, 1-D or 2-D) or .csv; 1-D becomes [N, 1]. Rejects fewer than
/// two rows and NaN/Inf (naming the first bad row).
torch::Tensor load_matrix(const std::string& path);

/// Throws "<what>: row r holds NaN or Inf" for the first non-finite row of [N, D] `x`.
void check_finite(const torch::Tensor& x, const std::string& what);

}  // namespace diffinfo
