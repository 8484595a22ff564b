#include "diffinfo/analytic/gaussian.h"

#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"

#include <cmath>

namespace diffinfo {

GaussianData::GaussianData(const torch::Tensor& mean, const torch::Tensor& cov) {
  TORCH_CHECK(mean.dim() == 1, "Gaussian mean must be [D], got ", mean.sizes());
  TORCH_CHECK(cov.dim() == 2 && cov.size(0) == mean.size(0) && cov.size(1) == mean.size(0),
              "Gaussian covariance must be [", mean.size(0), ", ", mean.size(0), "], got ", cov.sizes());
  mean_ = mean.to(torch::kCPU, torch::kFloat64);
  cov_ = cov.to(torch::kCPU, torch::kFloat64);
  TORCH_CHECK(torch::allclose(cov_, cov_.t(), 1e-9, 1e-12), "Gaussian covariance must be symmetric");
  evals_ = torch::linalg_eigvalsh(cov_, "L");
  TORCH_CHECK((evals_ > 0).all().item<bool>(), "Gaussian covariance must be positive definite; smallest eigenvalue ",
              evals_.min().item<double>());
}

GaussianData GaussianData::fit(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 && x.size(0) > x.size(1), "fitting a Gaussian needs [N, D] samples with N > D, got ",
              x.sizes());
  auto xd = x.to(torch::kCPU, torch::kFloat64);
  auto m = xd.mean(0);
  auto c = xd - m;
  return GaussianData(m, c.t().mm(c) / static_cast<double>(xd.size(0)));
}

nlohmann::json GaussianData::spec() const {
  return {{"type", "gaussian"}, {"mean", tensor_to_json(mean_)}, {"cov", tensor_to_json(cov_)}};
}

GaussianMixture GaussianData::as_mixture() const {
  return GaussianMixture(torch::ones({1}, torch::kFloat64), mean_.unsqueeze(0), cov_.unsqueeze(0));
}

double GaussianData::entropy() const { return gaussian_entropy(cov_); }

double GaussianData::kl_to_eq(const ForwardProcess& process, double s) const {
  const auto sch = process.at(s);
  auto a = sch.mu * sch.mu * evals_ + sch.var;  // eigenvalues of the law at s
  const double d = static_cast<double>(dim());
  if (std::isinf(process.eq_var())) return -0.5 * (d * (std::log(2.0 * M_PI) + 1.0) + a.log().sum().item<double>());
  const double k2 = process.eq_var();
  const double m2 = sch.mu * sch.mu * mean_.pow(2).sum().item<double>();
  return 0.5 * ((a / k2).sum().item<double>() + m2 / k2 - d - (a / k2).log().sum().item<double>());
}

double GaussianData::total_entropy(const ForwardProcess& process) const {
  return kl_to_eq(process, 0.0) - kl_to_eq(process, process.t_max());
}

double GaussianData::entropy_rate(const ForwardProcess& process, double s) const {
  const auto sch = process.at(s);
  auto a = sch.mu * sch.mu * evals_ + sch.var;
  const double inv_k2 = std::isinf(process.eq_var()) ? 0.0 : 1.0 / process.eq_var();
  const double m2 = sch.mu * sch.mu * mean_.pow(2).sum().item<double>();
  const double expect = (a * (1.0 / a - inv_k2).pow(2)).sum().item<double>() + m2 * inv_k2 * inv_k2;
  return 0.5 * sch.sigma * sch.sigma * expect;
}

GaussianData::Production GaussianData::entropy_production(const ForwardProcess& process, double s) const {
  const auto sch = process.at(s);
  auto a = sch.mu * sch.mu * evals_ + sch.var;
  const double d = static_cast<double>(dim()), var = sch.sigma * sch.sigma;
  const double bb = sch.phi * sch.phi * (a.sum().item<double>() + sch.mu * sch.mu * mean_.pow(2).sum().item<double>());
  const double inv = a.reciprocal().sum().item<double>();  // E‖∇log p_s‖² = tr A⁻¹; E[b·∇log p_s] = −φD
  return {2.0 / var * bb + 2.0 * sch.phi * d + 0.5 * var * inv, -2.0 / var * bb - 3.0 * sch.phi * d - var * inv,
          -sch.phi * d - 0.5 * var * inv};
}

double GaussianData::entropy_at(const ForwardProcess& process, double s) const {
  const auto sch = process.at(s);
  auto a = sch.mu * sch.mu * evals_ + sch.var;
  return 0.5 * (static_cast<double>(dim()) * (std::log(2.0 * M_PI) + 1.0) + a.log().sum().item<double>());
}

KlDecomposition kl_decomposition(const GaussianData& data, const ForwardProcess& process) {
  TORCH_CHECK(!std::isinf(process.eq_var()), "the KL decomposition needs a normalisable p_eq; process '",
              process.name(), "' has a flat one");
  KlDecomposition out;
  out.total = data.kl_to_eq(process, 0.0);
  for (int64_t k = 0; k < data.dim(); ++k)
    out.marginal.push_back(gaussian_kl(data.mean()[k].item<double>(), data.cov()[k][k].item<double>(), 0.0,
                                       process.eq_var()));
  out.total_correlation = gaussian_total_correlation(data.cov());
  return out;
}

}  // namespace diffinfo
