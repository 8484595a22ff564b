#pragma once
// Tensors as nested JSON arrays, for specs and reports that people read.
//
//   nlohmann::json j = diffinfo::tensor_to_json(cov);              // [[..], [..]]
//   torch::Tensor c = diffinfo::json_to_tensor(j, 2, "spec.cov");  // float64
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>

namespace diffinfo {

/// Any-shape numeric tensor -> nested arrays of numbers.
nlohmann::json tensor_to_json(const torch::Tensor& t);
/// Nested arrays of `dims` levels -> float64 tensor; ragged or non-numeric input throws naming `what`.
torch::Tensor json_to_tensor(const nlohmann::json& j, int64_t dims, const std::string& what);

}  // namespace diffinfo
