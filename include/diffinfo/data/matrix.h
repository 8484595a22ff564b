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

/// Reads class labels: an integer .npy (int64, int32 or uint8), [N] or [N, 1], with values in
/// 0…K−1. `classes` = 0 infers K = max + 1 and requires every class to occur (training data);
/// otherwise labels must lie below `classes` (data for a trained run). -> [N] int64.
torch::Tensor load_labels(const std::string& path, int64_t classes = 0);

/// Throws "<what>: row r holds NaN or Inf" for the first non-finite row of [N, D] `x`.
void check_finite(const torch::Tensor& x, const std::string& what);

}  // namespace diffinfo
