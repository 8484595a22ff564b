#include "diffinfo/estimate.h"

#include <cmath>

namespace diffinfo {

Estimate mean_estimate(const torch::Tensor& samples) {
  auto x = samples.detach().to(torch::kCPU, torch::kFloat64).reshape({-1});
  const int64_t n = x.numel();
  TORCH_CHECK(n >= 2, "an estimate needs at least 2 samples, got ", n);
  const double mean = x.mean().item<double>();
  const double var = x.var(/*unbiased=*/true).item<double>();
  return {mean, std::sqrt(var / static_cast<double>(n))};
}

nlohmann::json to_json(const Estimate& e) { return {{"value", e.value}, {"stderr", e.std_error}}; }

}  // namespace diffinfo
