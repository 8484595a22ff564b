#include "diffinfo/info/knn_entropy.h"

#include <cmath>

namespace diffinfo {

Estimate knn_entropy(const torch::Tensor& x, int64_t k, int64_t block) {
  TORCH_CHECK(x.dim() == 2 && k >= 1 && x.size(0) > k + 1, "k-NN entropy needs [N, D] samples with N > k + 1 and k >= 1, got ",
              x.sizes(), " and k = ", k);
  TORCH_CHECK(torch::isfinite(x).all().item<bool>(), "k-NN entropy: the samples hold NaN or Inf");
  auto xd = x.to(torch::kFloat64);
  const int64_t n = xd.size(0);
  const double d = static_cast<double>(xd.size(1));
  std::vector<torch::Tensor> log_r;
  for (int64_t start = 0; start < n; start += block) {
    auto rows = xd.slice(0, start, std::min(n, start + block));
    auto dist = torch::cdist(rows, xd);
    auto idx = torch::arange(start, start + rows.size(0), torch::dtype(torch::kInt64).device(xd.device()));
    dist.index_put_({torch::arange(rows.size(0), idx.options()), idx}, INFINITY);  // not its own neighbour
    auto r = std::get<0>(dist.topk(k, 1, /*largest=*/false, /*sorted=*/true)).select(1, k - 1);
    TORCH_CHECK((r > 0).all().item<bool>(), "k-NN entropy: duplicate rows (a zero distance to the ", k,
                "-th neighbour); dequantise discrete data first");
    log_r.push_back(r.log().cpu());
  }
  auto terms = d * torch::cat(log_r);
  auto psi = [](double v) { return torch::digamma(torch::tensor(v, torch::kFloat64)).item<double>(); };
  const double log_ball = 0.5 * d * std::log(M_PI) - std::lgamma(0.5 * d + 1.0);
  auto e = mean_estimate(terms);
  return {psi(static_cast<double>(n)) - psi(static_cast<double>(k)) + log_ball + e.value, e.std_error};
}

}  // namespace diffinfo
