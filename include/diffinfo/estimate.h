#pragma once
// A number that matters, with its uncertainty (house rule 3).
//
//   auto e = diffinfo::mean_estimate(per_sample_values);   // {value, std_error}
//   std::cout << e.value << " ± " << e.std_error;
#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace diffinfo {

struct Estimate {
  double value = 0.0;
  /// One standard error of `value` (same units).
  double std_error = 0.0;
};

/// [N] independent draws -> their mean with stderr = std / sqrt(N).
Estimate mean_estimate(const torch::Tensor& samples);

/// {"value": v, "stderr": e}, the shape every JSON report uses.
nlohmann::json to_json(const Estimate& e);

}  // namespace diffinfo
