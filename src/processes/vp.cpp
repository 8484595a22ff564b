#include "diffinfo/processes/vp.h"

namespace diffinfo {

VpProcess::VpProcess(double beta_min, double beta_max, double kappa, bool scaled)
    : beta_min_(beta_min), beta_max_(beta_max), kappa_(kappa), scaled_(scaled) {
  TORCH_CHECK(beta_min > 0 && beta_max >= beta_min, "VP needs 0 < beta_min <= beta_max, got beta_min ",
              beta_min, ", beta_max ", beta_max);
  TORCH_CHECK(kappa > 0, "VPx needs kappa > 0, got ", kappa);
}

nlohmann::json VpProcess::config() const {
  nlohmann::json j = {{"name", name()}, {"beta_min", beta_min_}, {"beta_max", beta_max_}};
  if (scaled_) j["kappa"] = kappa_;
  return j;
}

torch::Tensor VpProcess::beta(const torch::Tensor& s) const { return beta_min_ + (beta_max_ - beta_min_) * s; }

torch::Tensor VpProcess::beta_integral(const torch::Tensor& s) const {
  return beta_min_ * s + 0.5 * (beta_max_ - beta_min_) * s * s;
}

torch::Tensor VpProcess::drift_coef(const torch::Tensor& s) const { return -0.5 * beta(s); }

torch::Tensor VpProcess::diffusion(const torch::Tensor& s) const { return kappa_ * beta(s).sqrt(); }

torch::Tensor VpProcess::mean_factor(const torch::Tensor& s) const { return torch::exp(-0.5 * beta_integral(s)); }

torch::Tensor VpProcess::kernel_var(const torch::Tensor& s) const {
  // κ²(1 − μ²) through expm1: exact at s = 1e-5, where 1 − μ² loses every digit in float32.
  return -(kappa_ * kappa_) * torch::expm1(-beta_integral(s));
}

}  // namespace diffinfo
