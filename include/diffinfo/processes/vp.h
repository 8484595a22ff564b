#pragma once
// Variance-preserving process and its scaled variant VPx(κ) (docs/math.md §1):
// φ = −β(s)/2, σ = κ√β(s), β(s) = β_min + (β_max − β_min)s, p_eq = N(0, κ²I).
// VP is VPx with κ = 1.
#include "diffinfo/process.h"

namespace diffinfo {

class VpProcess : public ForwardProcess {
 public:
  /// kappa = 1 gives VP ("vp"); any other value VPx ("vpx").
  VpProcess(double beta_min, double beta_max, double kappa, bool scaled);

  std::string name() const override { return scaled_ ? "vpx" : "vp"; }
  nlohmann::json config() const override;
  torch::Tensor drift_coef(const torch::Tensor& s) const override;
  torch::Tensor diffusion(const torch::Tensor& s) const override;
  torch::Tensor mean_factor(const torch::Tensor& s) const override;
  torch::Tensor kernel_var(const torch::Tensor& s) const override;
  double eq_var() const override { return kappa_ * kappa_; }
  double prior_var() const override { return kappa_ * kappa_; }

 private:
  torch::Tensor beta(const torch::Tensor& s) const;
  torch::Tensor beta_integral(const torch::Tensor& s) const;  // ∫₀ˢ β

  double beta_min_, beta_max_, kappa_;
  bool scaled_;
};

}  // namespace diffinfo
