#include "diffinfo/measure/likelihood.h"

#include "diffinfo/names.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"

#include <algorithm>
#include <cmath>

namespace diffinfo {
namespace {

torch::Tensor column_time(double s, const torch::Tensor& like) { return torch::full({like.size(0), 1}, s, like.options()); }

// One right-hand side of the augmented ODE: y = [x, ·] [B, D + 1] -> [v(x, s), ∇·v(x, s)].
struct Velocity {
  const ForwardProcess& process;
  const ScoreFn& score;
  torch::Tensor probes;
  int64_t evaluations = 0;

  torch::Tensor operator()(double s, const torch::Tensor& y) {
    ++evaluations;
    const int64_t d = y.size(1) - 1;
    const auto sched = process.at(s);
    auto x = y.narrow(1, 0, d);
    auto t = column_time(s, x);
    auto [sc, div] = value_and_divergence([&](const torch::Tensor& z) { return score(z, t); }, x, probes);
    TORCH_CHECK(sc.sizes() == x.sizes(), "score must return [B, D] like its input, got ", sc.sizes());
    const double half_var = 0.5 * sched.sigma * sched.sigma;
    auto v = sched.phi * x - half_var * sc;
    auto dv = sched.phi * static_cast<double>(d) - half_var * div;  // ∇·(φx) = φD
    return torch::cat({v, dv.unsqueeze(1)}, 1);
  }
};

// Dormand–Prince 5(4) tableau (Dormand & Prince 1980), first-same-as-last.
constexpr double kC[7] = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
constexpr double kA[7][6] = {{},
                             {1.0 / 5},
                             {3.0 / 40, 9.0 / 40},
                             {44.0 / 45, -56.0 / 15, 32.0 / 9},
                             {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
                             {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
                             {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}};
// Fifth-order weights minus the embedded fourth-order ones: the local error estimate.
constexpr double kE[7] = {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40};

struct Solve {
  torch::Tensor y;
  int64_t steps = 0, rejected = 0;
};

Solve solve_rk45(Velocity& f, torch::Tensor y, double s0, double s1, const LikelihoodOptions& o) {
  Solve out;
  auto scale = [&](const torch::Tensor& a, const torch::Tensor& b) { return o.atol() + o.rtol() * torch::max(a.abs(), b.abs()); };
  // The RMS norm of each trajectory's state, worst trajectory of the batch: one RMS over the whole batch
  // (scipy's, as score_sde uses it) lets a single stiff trajectory go unresolved and blow up.
  auto rms = [](const torch::Tensor& t) { return std::sqrt(t.pow(2).mean(1).max().item<double>()); };
  auto k1 = f(s0, y);
  // Initial step as Hairer, Nørsett & Wanner (II.4): h = 0.01 ‖y‖/‖f‖, refined by one Euler probe.
  const auto sc0 = scale(y, y);
  const double d0 = rms(y / sc0), d1 = rms(k1 / sc0);
  double h = std::min((d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1, s1 - s0);
  const double d2 = rms((f(s0 + h, y + h * k1) - k1) / sc0) / h;
  const double dmax = std::max(d1, d2);
  h = std::min({100 * h, dmax <= 1e-15 ? std::max(1e-6, h * 1e-3) : std::pow(0.01 / dmax, 0.2), s1 - s0});

  double s = s0;
  while (s < s1) {
    TORCH_CHECK(out.steps + out.rejected < o.max_steps(), "the probability-flow ODE took more than ", o.max_steps(),
                " steps by s = ", s, " (rtol ", o.rtol(), ", atol ", o.atol(), "): the score is too rough to integrate");
    const bool last = h >= s1 - s;
    if (last) h = s1 - s;
    torch::Tensor k[7];
    k[0] = k1;
    for (int i = 1; i < 7; ++i) {  // stage 7 is f at the fifth-order solution (first-same-as-last)
      auto yi = y.clone();
      for (int j = 0; j < i; ++j)
        if (kA[i][j] != 0) yi.add_(k[j], h * kA[i][j]);
      if (i == 6) {
        k[6] = f(s + h, yi);
        auto err = torch::zeros_like(y);
        for (int j = 0; j < 7; ++j)
          if (kE[j] != 0) err.add_(k[j], h * kE[j]);
        const double en = rms(err / scale(y, yi));
        TORCH_CHECK(std::isfinite(en), "the probability-flow ODE met NaN or Inf at s = ", s, ": the score is not finite there");
        if (en <= 1.0) {
          s = last ? s1 : s + h;
          y = yi;
          k1 = k[6];
          ++out.steps;
          h *= en == 0 ? 10.0 : std::min(10.0, 0.9 * std::pow(en, -0.2));
        } else {
          ++out.rejected;
          h *= std::max(0.2, 0.9 * std::pow(en, -0.2));
        }
      } else {
        k[i] = f(s + kC[i] * h, yi);
      }
    }
  }
  out.y = y;
  return out;
}

// Heun's method on the quantiles of p(s) ∝ σ²/Σ: about equal steps of log-SNR.
Solve solve_heun(Velocity& f, torch::Tensor y, const ForwardProcess& process, const LikelihoodOptions& o) {
  const TimeSampler times(process, "importance", o.s_min());
  Solve out;
  double s = times.quantile(0.0);
  for (int64_t i = 1; i <= o.steps(); ++i) {
    const double next = times.quantile(static_cast<double>(i) / o.steps()), h = next - s;
    auto k1 = f(s, y);
    auto k2 = f(next, y + h * k1);
    y = y + 0.5 * h * (k1 + k2);
    s = next;
    ++out.steps;
  }
  out.y = y;
  return out;
}

}  // namespace

std::vector<std::string> solver_names() { return {"rk45", "heun"}; }
std::vector<std::string> divergence_names() { return {"exact", "hutchinson"}; }
std::vector<std::string> probe_names() { return {"rademacher", "gaussian"}; }

void validate(const DivergenceOptions& o) {
  TORCH_CHECK(is_known(divergence_names(), o.method()), unknown_name("divergence", o.method(), divergence_names()));
  TORCH_CHECK(is_known(probe_names(), o.probe()), unknown_name("probe", o.probe(), probe_names()));
  TORCH_CHECK(o.probes() >= 1, "Hutchinson needs probes >= 1, got ", o.probes());
}

torch::Tensor divergence_probes(const DivergenceOptions& o, const torch::Tensor& like, torch::Generator& gen) {
  validate(o);
  if (o.method() == "exact") return {};
  std::vector<int64_t> shape{o.probes(), like.size(0), like.size(1)};
  auto z = randn(shape, gen, like.options());
  return o.probe() == "gaussian" ? z : torch::sign(z) + (z == 0).to(z.dtype());  // Rademacher: ±1
}

std::pair<torch::Tensor, torch::Tensor> value_and_divergence(const std::function<torch::Tensor(const torch::Tensor&)>& f,
                                                             const torch::Tensor& x, const torch::Tensor& probes) {
  torch::AutoGradMode grad(true);
  auto xi = x.detach().requires_grad_(true);
  auto fx = f(xi);
  TORCH_CHECK(fx.sizes() == x.sizes(), "the field must return [B, D] like its input, got ", fx.sizes());
  auto div = torch::zeros({x.size(0)}, x.options());
  if (!probes.defined()) {  // exact: row i of the Jacobian per backward pass, its diagonal entry kept
    for (int64_t i = 0; i < x.size(1); ++i) {
      auto g = torch::autograd::grad({fx.select(1, i).sum()}, {xi}, {}, /*retain_graph=*/true, false, /*allow_unused=*/true)[0];
      if (g.defined()) div += g.select(1, i);
    }
  } else {  // Hutchinson: εᵀ(∂f/∂x)ε, averaged over the probes
    for (int64_t p = 0; p < probes.size(0); ++p) {
      auto e = probes[p];
      auto g = torch::autograd::grad({(fx * e).sum()}, {xi}, {}, /*retain_graph=*/true, false, /*allow_unused=*/true)[0];
      if (g.defined()) div += (g * e).sum(1);
    }
    div /= static_cast<double>(probes.size(0));
  }
  return {fx.detach(), div.detach()};
}

nlohmann::json LikelihoodResult::settings() const {
  nlohmann::json j = {{"solver", options.solver()},
                      {"s_min", options.s_min()},
                      {"divergence", options.divergence().method()},
                      {"seed", options.seed()},
                      {"batch_size", options.batch_size()},
                      {"nfe", nfe},
                      {"steps", steps}};
  if (options.solver() == "rk45") {
    j["rtol"] = options.rtol();
    j["atol"] = options.atol();
    j["rejected_steps"] = rejected;
  } else {
    j["grid"] = "quantiles of p(s) ∝ σ²/Σ";
  }
  if (options.divergence().method() == "hutchinson") {
    j["probe"] = options.divergence().probe();
    j["probes"] = options.divergence().probes();
  }
  return j;
}

LikelihoodResult ode_likelihood(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data,
                                const LikelihoodOptions& o) {
  TORCH_CHECK(is_known(solver_names(), o.solver()), unknown_name("solver", o.solver(), solver_names()));
  validate(o.divergence());
  TORCH_CHECK(data.dim() == 2 && data.size(0) >= 2, "likelihood needs data [N >= 2, D], got ", data.sizes());
  TORCH_CHECK(o.rtol() > 0 && o.atol() > 0 && o.steps() >= 1 && o.batch_size() >= 1,
              "likelihood needs rtol, atol > 0 and steps, batch_size >= 1");
  const double t_max = process.t_max();
  TORCH_CHECK(o.s_min() > 0 && o.s_min() < t_max, "likelihood needs 0 < s_min < T = ", t_max, ", got ", o.s_min());
  const int64_t n = data.size(0), d = data.size(1);
  const double v = process.prior_var();
  auto gen = make_generator(o.seed());
  LikelihoodResult r;
  r.options = o;
  std::vector<torch::Tensor> log_prior, divergence, latent;
  int64_t batches = 0, evaluations = 0;
  for (int64_t start = 0; start < n; start += o.batch_size()) {
    auto x = data.slice(0, start, std::min(n, start + o.batch_size())).to(torch::kFloat64);
    Velocity f{process, score, divergence_probes(o.divergence(), x, gen)};
    auto y0 = torch::cat({x, torch::zeros({x.size(0), 1}, x.options())}, 1);
    const auto solved = o.solver() == "rk45" ? solve_rk45(f, y0, o.s_min(), t_max, o) : solve_heun(f, y0, process, o);
    auto x_t = solved.y.narrow(1, 0, d);
    log_prior.push_back((-0.5 * d * std::log(2 * M_PI * v) - 0.5 * x_t.pow(2).sum(1) / v).cpu());
    divergence.push_back(solved.y.select(1, d).cpu());
    latent.push_back(x_t.cpu());
    r.steps += solved.steps;
    r.rejected += solved.rejected;
    evaluations += f.evaluations;
    ++batches;
  }
  r.log_prior = torch::cat(log_prior);
  r.divergence = torch::cat(divergence);
  r.latent = torch::cat(latent);
  r.log_likelihood = r.log_prior + r.divergence;
  TORCH_CHECK(torch::isfinite(r.log_likelihood).all().item<bool>(), "the likelihood came out NaN or Inf");
  r.nll = mean_estimate(-r.log_likelihood);
  const double dd = static_cast<double>(d);
  auto far = r.latent.pow(2).sum(1) / v > dd + 10.0 * std::sqrt(2.0 * dd) + 50.0;
  r.escaped = far.nonzero().reshape({-1});
  r.nll_kept = n - r.escaped.numel() >= 2 ? mean_estimate(-r.log_likelihood.index({~far})) : r.nll;
  r.nfe = static_cast<double>(evaluations) / batches;
  return r;
}

double Quantization::offset_bits() const {
  if (levels == 0) return 0.0;
  TORCH_CHECK(levels >= 2 && high > low, "quantised data need levels >= 2 and high > low, got ", levels, " levels on [",
              low, ", ", high, "]");
  return std::log2(static_cast<double>(levels) / (high - low));
}

Estimate bits_per_dim(const Estimate& nll, int64_t dim, const Quantization& q) {
  const double k = 1.0 / (static_cast<double>(dim) * std::log(2.0));
  return {nll.value * k + q.offset_bits(), nll.std_error * k};
}

torch::Tensor dequantize(const torch::Tensor& data, const Quantization& q, torch::Generator& gen) {
  TORCH_CHECK(q.levels >= 2, "dequantising needs the data's levels (>= 2), got ", q.levels);
  const double bin = (q.high - q.low) / q.levels;
  return data + (rand(data.sizes(), gen, data.options()) - 0.5) * bin;
}

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
