#include "diffinfo/measure/bounds.h"

#include "diffinfo/random.h"

#include <cmath>

namespace diffinfo {

nlohmann::json BoundTerms::to_json() const {
  auto j = diffinfo::to_json(total);
  for (const auto& [name, e] : terms) j["terms"][name] = diffinfo::to_json(e);
  j["settings"] = settings;
  return j;
}

namespace {

// E KL(N(μ_T x0, Σ_T I) ‖ N(0, v I)) over the rows of x0, with stderr.
Estimate prior_kl(const ForwardProcess& process, const torch::Tensor& x0) {
  const auto at = process.at(process.t_max());
  const double v = process.prior_var(), d = static_cast<double>(x0.size(1));
  auto per = 0.5 * (d * at.var / v + at.mu * at.mu * x0.to(torch::kFloat64).pow(2).sum(1) / v - d + d * std::log(v / at.var));
  return mean_estimate(per);
}

Estimate sum(const Estimate& a, const Estimate& b) { return {a.value + b.value, std::hypot(a.std_error, b.std_error)}; }

}  // namespace

BoundTerms denoising_bound(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data,
                           const EntropyOptions& options) {
  TORCH_CHECK(data.dim() == 2 && data.size(0) >= 2, "the denoising bound needs data [N >= 2, D], got ", data.sizes());
  const int64_t d = data.size(1);
  // The target −ε/√Σ is recovered from the row behind each x_s; the integrand is ‖s_θ + ε/√Σ‖².
  auto integrand = [&](const torch::Tensor& x_s, const torch::Tensor& s, const torch::Tensor& rows) {
    auto x = x_s.to(torch::kFloat64), t = s.to(torch::kFloat64);
    auto target = process.kernel_score(data.index_select(0, rows).to(torch::kFloat64), t, x);
    return (score(x, t).to(torch::kFloat64) - target).pow(2).sum(1, true);
  };
  const auto diffusion = integrate_rates(process, integrand, 1, data, options).front().total;
  const auto at = process.at(options.s_min());
  const Estimate reconstruction{0.5 * d * (std::log(2 * M_PI * at.var / (at.mu * at.mu)) + 1.0), 0.0};
  const auto prior = prior_kl(process, data);
  BoundTerms b;
  b.total = sum(sum(reconstruction, diffusion), prior);
  b.terms = {{"reconstruction", reconstruction}, {"denoising", diffusion}, {"prior", prior}};
  b.settings = {{"estimator", "stratified importance sampling over s"},
                {"points", options.points()},
                {"samples_per_point", options.samples_per_point()},
                {"s_min", options.s_min()},
                {"seed", options.seed()},
                {"decoder", "N(x_s/μ, Σ/μ² I) at s_min"}};
  return b;
}

BoundTerms ddpm_elbo(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data, int64_t steps,
                     uint64_t seed, int64_t batch_size) {
  TORCH_CHECK(process.name() == "vp", "the DDPM ELBO needs a VP process (ᾱ = μ², prior N(0, I)), got ",
              process.name());
  TORCH_CHECK(steps >= 2, "the DDPM ELBO needs steps >= 2, got ", steps);
  TORCH_CHECK(data.dim() == 2 && data.size(0) >= 2, "the DDPM ELBO needs data [N >= 2, D], got ", data.sizes());
  const int64_t n = data.size(0), d = data.size(1);
  const double t_max = process.t_max();
  std::vector<double> abar(steps + 1);
  for (int64_t k = 0; k <= steps; ++k) abar[k] = std::pow(process.at(t_max * k / steps).mu, 2);
  auto x0 = data.to(torch::kFloat64);
  auto gen = make_generator(seed);

  // Every (row, k) pair once: k = 1 gives the reconstruction, k ≥ 2 the denoising KLs.
  auto k_all = torch::arange(1, steps + 1, torch::kInt64).repeat({n});
  auto row_all = torch::arange(n, torch::kInt64).repeat_interleave(steps);
  auto per_row_kl = torch::zeros({n}, torch::kFloat64), per_row_rec = torch::zeros({n}, torch::kFloat64);
  auto abar_t = torch::tensor(abar, torch::kFloat64);
  torch::NoGradGuard no_grad;
  for (int64_t start = 0; start < n * steps; start += batch_size) {
    const int64_t end = std::min(n * steps, start + batch_size);
    auto k = k_all.slice(0, start, end), rows = row_all.slice(0, start, end);
    auto a_k = abar_t.index_select(0, k).unsqueeze(1), a_prev = abar_t.index_select(0, k - 1).unsqueeze(1);
    auto xr = x0.index_select(0, rows.to(x0.device()));
    auto eps = randn({end - start, d}, gen, xr.options());
    auto dev = [&](const torch::Tensor& t) { return t.to(xr.device()); };
    auto x_k = dev(a_k.sqrt()) * xr + dev((1 - a_k).sqrt()) * eps;
    auto s_k = dev(k.to(torch::kFloat64).unsqueeze(1) * (t_max / steps));
    auto x_hat = (x_k + dev(1 - a_k) * score(x_k, s_k)) / dev(a_k.sqrt());  // Tweedie
    auto sq = (xr - x_hat).pow(2).sum(1).cpu();
    auto beta = 1 - a_k / a_prev;
    // L_{k−1} = c_k² ‖x0 − x̂0‖² / (2β̃_k), c_k = √ᾱ_{k−1} β_k/(1−ᾱ_k), β̃_k = (1−ᾱ_{k−1})β_k/(1−ᾱ_k).
    auto coef = (a_prev * beta.pow(2) / (1 - a_k).pow(2) / (2 * (1 - a_prev) * beta / (1 - a_k))).squeeze(1);
    auto first = (k == 1);
    auto kl = torch::where(first, torch::zeros_like(sq), coef * sq);  // k = 1 has β̃ = 0: no KL term
    auto rec = torch::where(first, 0.5 * d * std::log(2 * M_PI * (1 - abar[1])) + sq / (2 * (1 - abar[1])),
                            torch::zeros_like(sq));
    per_row_kl.index_add_(0, rows, kl);
    per_row_rec.index_add_(0, rows, rec);
  }
  TORCH_CHECK(torch::isfinite(per_row_kl).all().item<bool>() && torch::isfinite(per_row_rec).all().item<bool>(),
              "the network returned NaN or Inf in the DDPM ELBO");
  const double pv = abar[steps];
  auto per_row_prior = 0.5 * ((1 - pv) * d + pv * x0.pow(2).sum(1).cpu() - d - d * std::log(1 - pv));
  BoundTerms b;
  b.total = mean_estimate(per_row_prior + per_row_kl + per_row_rec);
  b.terms = {{"prior", mean_estimate(per_row_prior)},
             {"denoising", mean_estimate(per_row_kl)},
             {"reconstruction", mean_estimate(per_row_rec)}};
  b.settings = {{"steps", steps}, {"schedule", "s_k = kT/steps, ᾱ_k = μ(s_k)²"}, {"seed", seed},
                {"reverse_variance", "posterior β̃_k"}, {"decoder", "N(x̂_0(x_1), β_1 I)"}};
  return b;
}

}  // namespace diffinfo
