#include "diffinfo/data/scale.h"

#include <torch/torch.h>

#include <algorithm>

namespace diffinfo {

DataScale data_scale(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 && x.size(0) >= 2, "data_scale: expected [N >= 2, D], got ", x.sizes());
  const auto xd = x.to(torch::kFloat64);
  DataScale s;
  s.sample = xd.var(0).mean().item<double>();
  const int64_t stride = std::max<int64_t>(1, x.size(0) / 16384);
  const auto q = torch::quantile(xd.slice(0, 0, x.size(0), stride),
                                 torch::tensor({0.01, 0.25, 0.75, 0.99}, torch::kFloat64), 0);
  s.winsorized = torch::max(torch::min(xd, q[3]), q[0]).var(0).mean().item<double>();
  s.quartile = ((q[2] - q[1]) / 1.349).pow(2).mean().item<double>();
  s.heavy_tailed = s.quartile > 0 && s.sample > kHeavyTailRatio * s.winsorized;
  s.variance = s.heavy_tailed ? s.quartile : s.sample;
  return s;
}

}  // namespace diffinfo
