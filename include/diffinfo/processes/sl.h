#pragma once
// Straight-line process SL(Σ₀) (docs/math.md §1): φ = −1/(1−s), σ = Σ₀√(2/(1−s)),
// μ = 1 − s, Σ = Σ₀²(1 − (1−s)²), p_eq = N(0, Σ₀²I); it stops at T = 1 − margin.
#include "diffinfo/process.h"

namespace diffinfo {

class SlProcess : public ForwardProcess {
 public:
  SlProcess(double sigma0, double margin);

  std::string name() const override { return "sl"; }
  nlohmann::json config() const override;
  double t_max() const override { return 1.0 - margin_; }
  torch::Tensor drift_coef(const torch::Tensor& s) const override;
  torch::Tensor diffusion(const torch::Tensor& s) const override;
  torch::Tensor mean_factor(const torch::Tensor& s) const override;
  torch::Tensor kernel_var(const torch::Tensor& s) const override;
  double eq_var() const override { return sigma0_ * sigma0_; }
  double prior_var() const override { return sigma0_ * sigma0_; }

 private:
  double sigma0_, margin_;
};

}  // namespace diffinfo
