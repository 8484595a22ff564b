#include "diffinfo/processes/sl.h"

namespace diffinfo {

SlProcess::SlProcess(double sigma0, double margin) : sigma0_(sigma0), margin_(margin) {
  TORCH_CHECK(sigma0 > 0, "SL needs sigma0 > 0, got ", sigma0);
  TORCH_CHECK(margin > 0 && margin < 0.5, "SL needs 0 < sl_margin < 0.5, got ", margin);
}

nlohmann::json SlProcess::config() const {
  return {{"name", name()}, {"sigma0", sigma0_}, {"sl_margin", margin_}};
}

torch::Tensor SlProcess::drift_coef(const torch::Tensor& s) const { return -1.0 / (1.0 - s); }

torch::Tensor SlProcess::diffusion(const torch::Tensor& s) const { return sigma0_ * (2.0 / (1.0 - s)).sqrt(); }

torch::Tensor SlProcess::mean_factor(const torch::Tensor& s) const { return 1.0 - s; }

torch::Tensor SlProcess::kernel_var(const torch::Tensor& s) const {
  // Σ₀²(1 − (1−s)²) = Σ₀² s(2 − s), without the cancellation at small s.
  return (sigma0_ * sigma0_) * s * (2.0 - s);
}

}  // namespace diffinfo
