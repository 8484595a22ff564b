#include "diffinfo/info/pca.h"

namespace diffinfo {

Projection principal_components(const torch::Tensor& x, int64_t k) {
  TORCH_CHECK(x.dim() == 2 && x.size(0) >= 2 && k >= 1 && k <= x.size(1),
              "principal components need [N >= 2, D] rows and 1 <= k <= D, got ", x.sizes(), " and k = ", k);
  auto c = x.to(torch::kFloat64);
  c = c - c.mean(0, true);
  auto cov = c.t().mm(c) / static_cast<double>(x.size(0) - 1);
  auto [values, vectors] = torch::linalg_eigh(cov, "L");  // ascending
  auto order = torch::arange(x.size(1) - 1, x.size(1) - 1 - k, -1, torch::kInt64);
  Projection p;
  p.axes = vectors.index_select(1, order);
  p.variances = values.index_select(0, order);
  p.scores = c.mm(p.axes);
  return p;
}

}  // namespace diffinfo
