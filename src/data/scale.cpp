#include "diffinfo/data/scale.h"

#include <torch/torch.h>

#include <algorithm>

namespace diffinfo {

DataScale data_scale(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 && x.size(0) >= 2, "data_scale: expected [N >= 2, D], got ", x.sizes());
  DataScale s;
  s.sample = x.var(0).mean().item<double>();
  // The tail statistics from evenly strided rows: at most 16384, and within the 2^24 elements that
  // torch::quantile takes in PyTorch 2.x (a CIFAR-10 image has 3072 values); no float64 copy of it all.
  const int64_t rows = std::max<int64_t>(2, std::min<int64_t>(16384, (int64_t(1) << 24) / std::max<int64_t>(1, x.size(1))));
  const int64_t stride = std::max<int64_t>(1, x.size(0) / rows);
  const auto sub = x.slice(0, 0, x.size(0), stride).to(torch::kFloat64);
  const auto q = torch::quantile(sub, torch::tensor({0.01, 0.25, 0.75, 0.99}, torch::kFloat64), 0);
  s.winsorized = torch::max(torch::min(sub, q[3]), q[0]).var(0).mean().item<double>();
  s.quartile = ((q[2] - q[1]) / 1.349).pow(2).mean().item<double>();
  s.heavy_tailed = s.quartile > 0 && s.sample > kHeavyTailRatio * s.winsorized;
  s.variance = s.heavy_tailed ? s.quartile : s.sample;
  return s;
}

}  // namespace diffinfo
