#include "diffinfo/info/gaussian.h"

#include <cmath>

namespace diffinfo {
namespace {

torch::Tensor spd(const torch::Tensor& c, const char* what) {
  auto m = c.to(torch::kCPU, torch::kFloat64);
  TORCH_CHECK(m.dim() == 2 && m.size(0) == m.size(1), what, " must be a square matrix, got ", m.sizes());
  return m;
}

double spd_logdet(const torch::Tensor& c) {
  auto l = torch::linalg_cholesky(c);  // throws when c is not positive definite
  return 2.0 * l.diagonal().log().sum().item<double>();
}

}  // namespace

double gaussian_entropy(const torch::Tensor& cov) {
  auto c = spd(cov, "covariance");
  return 0.5 * (static_cast<double>(c.size(0)) * (std::log(2.0 * M_PI) + 1.0) + spd_logdet(c));
}

double gaussian_kl(double m0, double v0, double m1, double v1) {
  TORCH_CHECK(v0 > 0 && v1 > 0, "Gaussian KL needs positive variances, got ", v0, " and ", v1);
  return 0.5 * (v0 / v1 + (m1 - m0) * (m1 - m0) / v1 - 1.0 + std::log(v1 / v0));
}

double gaussian_kl(const torch::Tensor& m0, const torch::Tensor& c0, const torch::Tensor& m1, const torch::Tensor& c1) {
  auto a = spd(c0, "covariance 0"), b = spd(c1, "covariance 1");
  auto dm = (m1 - m0).to(torch::kCPU, torch::kFloat64).reshape({-1, 1});
  TORCH_CHECK(a.sizes() == b.sizes() && dm.size(0) == a.size(0), "Gaussian KL needs matching dimensions");
  auto b_inv = torch::linalg_inv(b);
  const double d = static_cast<double>(a.size(0));
  return 0.5 * (b_inv.mm(a).trace().item<double>() + dm.t().mm(b_inv).mm(dm).item<double>() - d + spd_logdet(b) - spd_logdet(a));
}

double gaussian_mutual_information(const torch::Tensor& cov, int64_t dx) {
  auto c = spd(cov, "joint covariance");
  TORCH_CHECK(dx >= 1 && dx < c.size(0), "split index must lie in [1, ", c.size(0) - 1, "], got ", dx);
  const int64_t d = c.size(0);
  return 0.5 * (spd_logdet(c.slice(0, 0, dx).slice(1, 0, dx)) + spd_logdet(c.slice(0, dx, d).slice(1, dx, d)) - spd_logdet(c));
}

double gaussian_total_correlation(const torch::Tensor& cov) {
  auto c = spd(cov, "covariance");
  return 0.5 * (c.diagonal().log().sum().item<double>() - spd_logdet(c));
}

}  // namespace diffinfo
