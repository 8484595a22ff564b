#include "diffinfo/processes/ve.h"

#include <cmath>
#include <limits>

namespace diffinfo {

VeProcess::VeProcess(double sigma_min, double sigma_max)
    : sigma_min_(sigma_min), sigma_max_(sigma_max), log_ratio_(std::log(sigma_max / sigma_min)) {
  TORCH_CHECK(sigma_min > 0 && sigma_max > sigma_min, "VE needs 0 < sigma_min < sigma_max, got sigma_min ",
              sigma_min, ", sigma_max ", sigma_max);
}

nlohmann::json VeProcess::config() const {
  return {{"name", name()}, {"sigma_min", sigma_min_}, {"sigma_max", sigma_max_}};
}

torch::Tensor VeProcess::drift_coef(const torch::Tensor& s) const { return torch::zeros_like(s); }

torch::Tensor VeProcess::diffusion(const torch::Tensor& s) const {
  return sigma_min_ * std::sqrt(2.0 * log_ratio_) * torch::exp(log_ratio_ * s);
}

torch::Tensor VeProcess::mean_factor(const torch::Tensor& s) const { return torch::ones_like(s); }

torch::Tensor VeProcess::kernel_var(const torch::Tensor& s) const {
  return (sigma_min_ * sigma_min_) * torch::expm1(2.0 * log_ratio_ * s);
}

double VeProcess::eq_var() const { return std::numeric_limits<double>::infinity(); }

}  // namespace diffinfo
