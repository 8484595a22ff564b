#include "diffinfo/measure/likelihood.h"

#include "diffinfo/measure/ode.h"
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

// Heun's grid: the quantiles of p(s) ∝ σ²/Σ on [s_min, T], about equal steps of log-SNR.
std::vector<double> heun_times(const ForwardProcess& process, const LikelihoodOptions& o) {
  const TimeSampler times(process, "importance", o.s_min());
  std::vector<double> s;
  for (int64_t i = 0; i <= o.steps(); ++i) s.push_back(times.quantile(static_cast<double>(i) / o.steps()));
  return s;
}

}  // namespace

std::vector<std::string> solver_names() { return {"rk45", "heun"}; }
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
  // Each rank solves its own batches into rows of these; the others' stay 0, so the sum over ranks is exact.
  r.log_prior = torch::zeros({n}, torch::kFloat64);
  r.divergence = torch::zeros({n}, torch::kFloat64);
  r.latent = torch::zeros({n, d}, torch::kFloat64);
  auto counts = torch::zeros({3}, torch::kFloat64);  // steps, rejected steps, evaluations
  int64_t batches = 0;
  for (int64_t start = 0; start < n; start += o.batch_size(), ++batches) {
    const int64_t end = std::min(n, start + o.batch_size());
    auto x = data.slice(0, start, end).to(torch::kFloat64);
    auto probes = divergence_probes(o.divergence(), x, gen);  // drawn on every rank: the next batch's draws follow
    if (!o.group().owns(batches)) continue;
    Velocity f{process, score, probes};
    auto y0 = torch::cat({x, torch::zeros({x.size(0), 1}, x.options())}, 1);
    const OdeField field = [&f](double s, const torch::Tensor& y) { return f(s, y); };
    const auto solved = o.solver() == "rk45"
                            ? solve_rk45(field, y0, o.s_min(), t_max, Rk45Options().rtol(o.rtol()).atol(o.atol()).max_steps(o.max_steps()))
                            : solve_heun(field, y0, heun_times(process, o));
    auto x_t = solved.y.narrow(1, 0, d);
    r.log_prior.slice(0, start, end).copy_(-0.5 * d * std::log(2 * M_PI * v) - 0.5 * x_t.pow(2).sum(1) / v);
    r.divergence.slice(0, start, end).copy_(solved.y.select(1, d));
    r.latent.slice(0, start, end).copy_(x_t);
    counts += torch::tensor({static_cast<double>(solved.steps), static_cast<double>(solved.rejected),
                             static_cast<double>(f.evaluations)}, torch::kFloat64);
  }
  std::vector<torch::Tensor> parts{r.log_prior, r.divergence, r.latent, counts};
  o.group().sum(parts, "summing the likelihoods");
  r.steps = static_cast<int64_t>(counts[0].item<double>()), r.rejected = static_cast<int64_t>(counts[1].item<double>());
  const double evaluations = counts[2].item<double>();
  r.log_likelihood = r.log_prior + r.divergence;
  TORCH_CHECK(torch::isfinite(r.log_likelihood).all().item<bool>(), "the likelihood came out NaN or Inf");
  r.nll = mean_estimate(-r.log_likelihood);
  const double dd = static_cast<double>(d);
  auto far = r.latent.pow(2).sum(1) / v > dd + 10.0 * std::sqrt(2.0 * dd) + 50.0;
  r.escaped = far.nonzero().reshape({-1});
  r.nll_kept = n - r.escaped.numel() >= 2 ? mean_estimate(-r.log_likelihood.index({~far})) : r.nll;
  r.nfe = evaluations / static_cast<double>(batches);
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

}  // namespace diffinfo
