#pragma once
// Variance-exploding process VE(σ_min, σ_max) (docs/math.md §1): φ = 0,
// σ(s) = σ_min r^s √(2 ln r) with r = σ_max/σ_min, μ = 1, Σ = σ_min²(r^{2s} − 1).
// Its quasi-invariant state is flat (∇log p_eq = 0); the prior is N(0, σ_max²I).
#include "diffinfo/process.h"

namespace diffinfo {

class VeProcess : public ForwardProcess {
 public:
  VeProcess(double sigma_min, double sigma_max);

  std::string name() const override { return "ve"; }
  nlohmann::json config() const override;
  torch::Tensor drift_coef(const torch::Tensor& s) const override;
  torch::Tensor diffusion(const torch::Tensor& s) const override;
  torch::Tensor mean_factor(const torch::Tensor& s) const override;
  torch::Tensor kernel_var(const torch::Tensor& s) const override;
  double eq_var() const override;
  double prior_var() const override { return sigma_max_ * sigma_max_; }

 private:
  double sigma_min_, sigma_max_, log_ratio_;
};

}  // namespace diffinfo
