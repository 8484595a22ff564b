#include "diffinfo/analytic/synthetic.h"

#include "diffinfo/names.h"
#include "diffinfo/analytic/gaussian.h"
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

}  // namespace

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
