#include "diffinfo/analytic/joint_gaussian.h"

#include "diffinfo/io/json_file.h"

#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"

#include <cmath>

namespace diffinfo {
namespace {

const auto kF64 = torch::kFloat64;

double log_det(const torch::Tensor& m) { return std::get<1>(torch::linalg_slogdet(m)).item<double>(); }

}  // namespace

JointGaussian::JointGaussian(const torch::Tensor& cov_x, const torch::Tensor& a, double sigma_eps)
    : cov_x_(cov_x.to(torch::kCPU, kF64)),
      a_(a.to(torch::kCPU, kF64)),
      sigma_eps_(sigma_eps),
      marginal_(GaussianData(torch::zeros({cov_x.size(0)}, kF64), cov_x.to(torch::kCPU, kF64)).as_mixture()) {
  TORCH_CHECK(a_.dim() == 2 && a_.size(1) == cov_x_.size(0), "joint Gaussian needs A [D_Y, ", cov_x_.size(0), "], got ",
              a_.sizes());
  TORCH_CHECK(sigma_eps > 0, "joint Gaussian needs sigma_eps > 0, got ", sigma_eps);
  cov_y_ = a_.mm(cov_x_).mm(a_.t()) + sigma_eps * sigma_eps * torch::eye(dim_y(), kF64);
  gain_ = torch::linalg_solve(cov_y_, a_.mm(cov_x_), /*left=*/true).t();  // K = Σ_X Aᵀ Σ_Y⁻¹ (Σ_Y symmetric)
  cond_cov_ = cov_x_ - gain_.mm(a_).mm(cov_x_);
  cond_cov_ = 0.5 * (cond_cov_ + cond_cov_.t());
  auto [evals, evecs] = torch::linalg_eigh(cond_cov_, "L");
  TORCH_CHECK((evals > 0).all().item<bool>(), "joint Gaussian: the conditional covariance is not positive definite");
  cond_evals_ = evals;
  cond_evecs_ = evecs;
}

JointGaussian JointGaussian::from_spec(const nlohmann::json& spec) {
  TORCH_CHECK(spec.value("type", "") == "joint-gaussian", "expected a joint-gaussian spec");
  TORCH_CHECK(spec.contains("x") && spec["x"].contains("cov") && spec.contains("a") && spec.contains("sigma_eps"),
              "joint-gaussian spec needs \"x.cov\", \"a\" and \"sigma_eps\"");
  return JointGaussian(json_to_tensor(spec["x"]["cov"], 2, "spec.x.cov"), json_to_tensor(spec["a"], 2, "spec.a"),
                       json_number(spec, "sigma_eps", 0, 1e15));
}

GaussianData JointGaussian::x_law() const { return GaussianData(torch::zeros({dim_x()}, kF64), cov_x_); }

GaussianData JointGaussian::y_law() const { return GaussianData(torch::zeros({dim_y()}, kF64), cov_y_); }

GaussianData JointGaussian::joint_law() const {
  auto cross = a_.mm(cov_x_);  // Cov(Y, X) = AΣ_X
  auto cov = torch::cat({torch::cat({cov_x_, cross.t()}, 1), torch::cat({cross, cov_y_}, 1)}, 0);
  return GaussianData(torch::zeros({dim_x() + dim_y()}, kF64), cov);
}

double JointGaussian::mutual_information() const {
  return 0.5 * (log_det(cov_y_) - dim_y() * std::log(sigma_eps_ * sigma_eps_));
}

double JointGaussian::joint_mutual_information(const ForwardProcess& process, double s) const {
  const auto sch = process.at(s);
  const auto cov = joint_law().cov();
  return gaussian_mutual_information(sch.mu * sch.mu * cov + sch.var * torch::eye(cov.size(0), kF64), dim_x());
}

double JointGaussian::mutual_information(const ForwardProcess& process, double s) const {
  const auto sch = process.at(s);
  auto eye = torch::eye(dim_x(), kF64);
  return 0.5 * (log_det(sch.mu * sch.mu * cov_x_ + sch.var * eye) - log_det(sch.mu * sch.mu * cond_cov_ + sch.var * eye));
}

torch::Tensor JointGaussian::conditional_score(const ForwardProcess& process, const torch::Tensor& x,
                                               const torch::Tensor& s, const torch::Tensor& y) const {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == dim_x(), "joint Gaussian expected x [B, ", dim_x(), "], got ", x.sizes());
  TORCH_CHECK(y.dim() == 2 && y.size(0) == x.size(0) && y.size(1) == dim_y(), "joint Gaussian expected y [",
              x.size(0), ", ", dim_y(), "], got ", y.sizes());
  auto sd = s.to(torch::kCPU, kF64);
  auto mu = process.mean_factor(sd), var = process.kernel_var(sd);          // [B, 1]
  auto u = x.to(torch::kCPU, kF64) - mu * y.to(torch::kCPU, kF64).mm(gain_.t());
  auto w = u.mm(cond_evecs_) / (mu.pow(2) * cond_evals_.unsqueeze(0) + var);  // eigenbasis of C
  return (-w.mm(cond_evecs_.t())).to(x.options());
}

torch::Tensor JointGaussian::residual(const ForwardProcess& process, const torch::Tensor& x, const torch::Tensor& s,
                                      const Condition& cond) const {
  TORCH_CHECK(!cond.keep.defined(), "joint Gaussian residual takes no keep mask");
  auto score = cond.is_null() ? marginal_.score(process, x, s) : conditional_score(process, x, s, cond.value);
  return score - process.eq_score(x);
}

}  // namespace diffinfo
