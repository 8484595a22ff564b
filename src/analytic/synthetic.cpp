#include "diffinfo/analytic/synthetic.h"

#include "diffinfo/names.h"
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/process.h"
#include "diffinfo/random.h"

#include <cmath>

namespace diffinfo {
namespace {

const auto kF64 = torch::kFloat64;

torch::Tensor random_orthogonal(int64_t d, torch::Generator& gen) {
  auto [q, r] = torch::linalg_qr(torch::randn({d, d}, gen, kF64));
  return q * r.diagonal().sign().unsqueeze(0);  // Haar-distributed
}

// (X, Y) jointly normal with unit variances and covariance `cov` [dx + dy, dx + dy].
Synthetic correlated_normal(const torch::Tensor& cov, int64_t dx, int64_t n, torch::Generator& gen) {
  auto z = torch::randn({n, cov.size(0)}, gen, kF64).mm(torch::linalg_cholesky(cov).t());
  return {z.slice(1, 0, dx).contiguous(), z.slice(1, dx).contiguous(), {},
          {{"mutual_information", gaussian_mutual_information(cov, dx)}}};
}

// g(k) = ln Γ(k/2) − (k/2) ψ(k/2): I(X; Y) of a Student t with identity dispersion and df ν in
// m + n dimensions is g(ν) + g(ν + m + n) − g(ν + m) − g(ν + n) (Arellano-Valle et al. 2013).
double student_g(double k) {
  return std::lgamma(k / 2) - k / 2 * torch::digamma(torch::tensor(k / 2, kF64)).item<double>();
}

}  // namespace

std::vector<std::string> bmi_task_names() {
  return {"normal-1x1",           "normal-1x1-halfcube",     "uniform-additive-0.1",   "uniform-additive-0.75",
          "student-t-1x1",        "student-t-1x1-asinh",     "multinormal-dense-2",    "multinormal-dense-3",
          "multinormal-dense-5",  "multinormal-dense-25",    "multinormal-dense-50",   "multinormal-sparse-3x3"};
}

Synthetic make_bmi(const std::string& task, int64_t n, torch::Generator& gen) {
  TORCH_CHECK(n >= 1, "bmi data needs n >= 1");
  Synthetic out;
  const std::string dense = "multinormal-dense-";
  if (task == "normal-1x1" || task == "normal-1x1-halfcube") {
    out = correlated_normal(torch::tensor({{1.0, 0.75}, {0.75, 1.0}}, kF64), 1, n, gen);
    if (task == "normal-1x1-halfcube") {
      out.x = out.x * out.x.abs().sqrt();
      out.y = out.y * out.y.abs().sqrt();
    }
  } else if (task.rfind(dense, 0) == 0) {
    const int64_t d = std::stoll(task.substr(dense.size()));
    TORCH_CHECK(d == 2 || d == 3 || d == 5 || d == 25 || d == 50, "bmi task '", task, "': dense sizes are 2, 3, 5, 25, 50");
    auto cov = torch::full({2 * d, 2 * d}, 0.5, kF64) + 0.5 * torch::eye(2 * d, kF64);
    out = correlated_normal(cov, d, n, gen);
  } else if (task == "multinormal-sparse-3x3") {
    auto cov = torch::eye(6, kF64);
    for (int64_t i : {0, 1}) cov[i][3 + i] = cov[3 + i][i] = 0.8;
    out = correlated_normal(cov, 3, n, gen);
  } else if (task == "uniform-additive-0.1" || task == "uniform-additive-0.75") {
    const double e = task == "uniform-additive-0.1" ? 0.1 : 0.75;
    out.x = torch::rand({n, 1}, gen, kF64);
    out.y = out.x + e * (2.0 * torch::rand({n, 1}, gen, kF64) - 1.0);
    // I = ε − ln 2ε for ε ≤ ½, 1/(4ε) beyond (the density of Y is trapezoidal).
    out.spec = {{"mutual_information", e <= 0.5 ? e - std::log(2 * e) : 1.0 / (4 * e)}};
  } else if (task == "student-t-1x1" || task == "student-t-1x1-asinh") {
    const double df = 1.0;
    auto z = torch::randn({n, 2}, gen, kF64);
    auto chi2 = torch::randn({n, 1}, gen, kF64).pow(2);  // χ² with one degree of freedom
    auto t = z / (chi2 / df).sqrt();
    out.x = t.slice(1, 0, 1).contiguous();
    out.y = t.slice(1, 1).contiguous();
    if (task == "student-t-1x1-asinh") out.x = torch::asinh(out.x), out.y = torch::asinh(out.y);
    out.spec = {{"mutual_information", student_g(df) + student_g(df + 2) - 2 * student_g(df + 1)}};
  } else {
    TORCH_CHECK(false, unknown_name("bmi task", task, bmi_task_names()));
  }
  out.spec["type"] = "bmi";
  out.spec["task"] = task;
  out.spec["source"] = "Czyż et al. 2023, Beyond normal: on the evaluation of mutual information estimators";
  return out;
}

Synthetic make_gaussian(const GaussianSpec& spec, int64_t n, torch::Generator& gen) {
  TORCH_CHECK(spec.dim() >= 1 && n >= 1, "gaussian data needs dim >= 1 and n >= 1");
  TORCH_CHECK(spec.scale() > 0 && spec.floor() > 0, "gaussian data needs scale > 0 and floor > 0");
  auto law_gen = make_generator(spec.seed());
  const int64_t d = spec.dim();
  torch::Tensor cov;
  if (spec.covariance() == "random") {
    auto h = torch::randn({d, d}, law_gen, kF64);
    cov = spec.scale() * (h.mm(h.t()) / static_cast<double>(d) + spec.floor() * torch::eye(d, kF64));
  } else {
    TORCH_CHECK(spec.covariance() == "isotropic", unknown_name("covariance", spec.covariance(), {"random", "isotropic"}));
    cov = spec.scale() * torch::eye(d, kF64);
  }
  auto mean = spec.mean_scale() * torch::randn({d}, law_gen, kF64);
  GaussianData law(mean, cov);
  return {law.as_mixture().sample(n, gen), {}, {},
          {{"type", "gaussian"}, {"mean", tensor_to_json(mean)}, {"cov", tensor_to_json(cov)}}};
}

Synthetic make_mixture(const MixtureSpec& spec, int64_t n, torch::Generator& gen) {
  TORCH_CHECK(spec.dim() >= 1 && spec.components() >= 1 && n >= 1, "mixture data needs dim, components and n >= 1");
  TORCH_CHECK(spec.var() > 0, "mixture data needs var > 0, got ", spec.var());
  auto law_gen = make_generator(spec.seed());
  const int64_t k = spec.components(), d = spec.dim();
  auto means = spec.spread() * torch::randn({k, d}, law_gen, kF64);
  auto covs = spec.var() * torch::eye(d, kF64).expand({k, d, d}).contiguous();
  GaussianMixture law(torch::ones({k}, kF64), means, covs);
  Synthetic out;
  out.x = law.sample(n, gen, &out.labels);
  out.spec = law.spec();
  return out;
}

Synthetic make_uniform(const UniformSpec& spec, int64_t n, torch::Generator& gen) {
  TORCH_CHECK(spec.dim() >= 1 && n >= 1 && spec.high() > spec.low(), "uniform data needs dim, n >= 1 and high > low");
  auto x = spec.low() + (spec.high() - spec.low()) * torch::rand({n, spec.dim()}, gen, kF64);
  const double h = static_cast<double>(spec.dim()) * std::log(spec.high() - spec.low());
  return {x, {}, {}, {{"type", "uniform"}, {"dim", spec.dim()}, {"low", spec.low()}, {"high", spec.high()}, {"entropy", h}}};
}

Synthetic make_joint_gaussian(const JointGaussianSpec& spec, int64_t n, torch::Generator& gen) {
  const int64_t dx = spec.dim_x(), dy = spec.dim_y();
  TORCH_CHECK(dx >= 1 && dy >= 1 && n >= 1, "joint-gaussian data needs dim_x, dim_y and n >= 1");
  TORCH_CHECK(spec.sigma_eps() > 0 && spec.epsilon() >= 0, "joint-gaussian needs sigma_eps > 0 and epsilon >= 0");
  auto law_gen = make_generator(spec.seed());
  torch::Tensor cov_x;
  if (spec.mode() == "determinism") {  // Eq. 57
    auto h = torch::randn({dx, dx}, law_gen, kF64) / std::sqrt(static_cast<double>(dx));
    cov_x = h.mm(h.t()) + spec.epsilon() * torch::eye(dx, kF64);
  } else {  // Eq. 58
    TORCH_CHECK(spec.mode() == "flattening", unknown_name("joint-gaussian mode", spec.mode(), {"determinism", "flattening"}));
    const int64_t k = spec.rank();
    TORCH_CHECK(k >= 1 && k <= dx && spec.lambda_delta() > 0, "flattening needs 1 <= rank <= dim_x and lambda_delta > 0");
    auto lam = torch::full({dx}, spec.lambda_delta(), kF64);
    lam.slice(0, 0, k).copy_(torch::randn({k}, law_gen, kF64).abs() / std::sqrt(static_cast<double>(k)));
    auto u = random_orthogonal(dx, law_gen);
    cov_x = u.mm(torch::diag(lam)).mm(u.t()) + spec.epsilon() * torch::eye(dx, kF64);
    cov_x = 0.5 * (cov_x + cov_x.t());
  }
  auto a = torch::randn({dy, dx}, law_gen, kF64);
  GaussianData law_x(torch::zeros({dx}, kF64), cov_x);
  Synthetic out;
  out.x = law_x.as_mixture().sample(n, gen);
  out.y = out.x.mm(a.t()) + spec.sigma_eps() * torch::randn({n, dy}, gen, kF64);
  // Eq. 55: I = ½ ln(det Σ_Y / det Σ_ε), Σ_Y = AΣ_XAᵀ + σ_ε² I.
  auto cov_y = a.mm(cov_x).mm(a.t()) + spec.sigma_eps() * spec.sigma_eps() * torch::eye(dy, kF64);
  const double mi = 0.5 * (std::get<1>(torch::linalg_slogdet(cov_y)).item<double>() -
                           static_cast<double>(dy) * std::log(spec.sigma_eps() * spec.sigma_eps()));
  out.spec = {{"type", "joint-gaussian"},
              {"mode", spec.mode()},
              {"sigma_eps", spec.sigma_eps()},
              {"a", tensor_to_json(a)},
              {"mutual_information", mi},
              {"x", {{"type", "gaussian"}, {"mean", tensor_to_json(torch::zeros({dx}, kF64))}, {"cov", tensor_to_json(cov_x)}}},
              {"total_entropy_x_vp", law_x.total_entropy(*make_process("vp"))}};
  return out;
}

}  // namespace diffinfo
