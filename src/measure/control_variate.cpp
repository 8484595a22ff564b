#include "diffinfo/measure/control_variate.h"

#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/analytic/mixture.h"

#include <cmath>

namespace diffinfo {

Estimate nll_with_gaussian_control(const torch::Tensor& nll_rows, const torch::Tensor& measured, const torch::Tensor& all) {
  TORCH_CHECK(all.dim() == 2 && measured.dim() == 2 && measured.size(1) == all.size(1),
              "a Gaussian control variate needs rows [n, D] among [N, D], got ", measured.sizes(), " and ", all.sizes());
  TORCH_CHECK(all.size(0) > all.size(1) + 1, "a Gaussian control variate needs more rows (", all.size(0),
              ") than dimensions + 1 (", all.size(1) + 1, ")");
  TORCH_CHECK(nll_rows.numel() == measured.size(0) && nll_rows.numel() >= 2, "a Gaussian control variate needs one NLL per "
              "measured row (", measured.size(0), "), got ", nll_rows.numel());
  const auto f64 = torch::kFloat64;
  const auto q = GaussianData::fit(all.to(torch::kCPU, f64)).as_mixture();
  const auto c_all = -q.log_density(all.to(torch::kCPU, f64));
  const auto c = -q.log_density(measured.to(torch::kCPU, f64));
  const auto d = nll_rows.to(torch::kCPU, f64).reshape({-1}) - c;
  const double n = double(d.numel()), big_n = double(c_all.numel());
  const double cov = ((d - d.mean()) * (c - c.mean())).sum().item<double>() / (n - 1);
  const double var = d.var().item<double>() / n + c_all.var().item<double>() / big_n + 2.0 * cov / big_n;
  return {d.mean().item<double>() + c_all.mean().item<double>(), std::sqrt(std::max(var, 0.0))};
}

}  // namespace diffinfo
