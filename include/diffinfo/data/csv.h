#pragma once
// Numeric CSV: comma-separated numbers, one sample a row, an optional header row.
//
//   torch::Tensor x = diffinfo::read_csv("x.csv");       // [N, D] float64
#include <torch/torch.h>

#include <string>

namespace diffinfo {

/// [N, D] float64; a ragged row or a non-numeric field is an error naming file and line.
torch::Tensor read_csv(const std::string& path);

}  // namespace diffinfo
