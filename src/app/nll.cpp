#include "diffinfo/app/nll.h"

#include "diffinfo/app/measurement.h"
#include "diffinfo/data/image_spec.h"
#include "diffinfo/io/files.h"
#include "diffinfo/measure/control_variate.h"
#include "diffinfo/measure/limits.h"
#include "diffinfo/random.h"

#include <cmath>
#include <optional>
#include <sstream>
#include <tuple>

namespace diffinfo::app {
namespace {

/// The Gaussian control variate's largest dimension: above it the covariance fit costs more than it saves,
/// and images (dequantised or not) are far from Gaussian.
constexpr int64_t kControlVariateMaxDim = 256;

// The grid the data lie on: --levels and --range, or else the scaling that 'diffinfo images'
// recorded in the spec beside the data; never guessed from the values.
Quantization quantization(const NllRequest& a, const std::string& data_path, std::string& source) {
  if (a.levels == 0 && a.range.empty()) {
    if (const auto spec = image_spec(data_path)) {
      source = spec->path;
      return {spec->levels, spec->low, spec->high};
    }
    if (a.dequantize)
      throw std::runtime_error("--dequantize describes quantised data: give --levels and --range (no image spec beside " +
                               data_path + ")");
    return {};
  }
  if (a.levels == 0) throw std::runtime_error("--range describes quantised data: give --levels too");
  if (a.range.size() != 2 || !(a.range[1] > a.range[0]))
    throw std::runtime_error("--levels needs --range LOW HIGH with HIGH > LOW: the data range is never guessed");
  if (a.levels < 2) throw std::runtime_error("--levels must be at least 2, got " + std::to_string(a.levels));
  source = "--levels, --range";
  return {a.levels, a.range[0], a.range[1]};
}

// One line per integrated row: log-likelihood, NLL, bits/dim (with the grid's offset), log prior, divergence.
void write_nll_csv(const std::string& csv, const LikelihoodResult& nll, int64_t rows, int64_t dim, const Quantization& q) {
  std::ostringstream out;
  out.precision(10);
  out << "row,log_likelihood,nll,bits_per_dim,log_prior,divergence\n";
  const double k = 1.0 / (static_cast<double>(dim) * std::log(2.0));
  for (int64_t i = 0; i < rows; ++i) {
    const double ll = nll.log_likelihood[i].item<double>();
    out << i << ',' << ll << ',' << -ll << ',' << -ll * k + q.offset_bits() << ',' << nll.log_prior[i].item<double>() << ','
        << nll.divergence[i].item<double>() << "\n";
  }
  write_text_atomic(csv, out.str());
}

// The headline NLL of the measured rows `eval` (among `all`), with and without escaped trajectories: the
// Gaussian control variate where it applies (continuous data of modest dimension), the plain mean otherwise.
struct NllHeadline {
  bool controlled = false;
  Estimate nll, kept;     ///< all rows; without the escaped ones
  torch::Tensor kept_rows;  ///< [rows] bool: not escaped
};
NllHeadline headline_nll(const Limits& limits, const torch::Tensor& eval, const torch::Tensor& all, bool dequantized) {
  NllHeadline h;
  const int64_t rows = eval.size(0), escaped = limits.nll.escaped.numel();
  h.controlled = !dequantized && eval.size(1) <= kControlVariateMaxDim && all.size(0) > eval.size(1) + 1;
  h.kept_rows = torch::ones({rows}, torch::kBool);
  if (escaped > 0) h.kept_rows.index_fill_(0, limits.nll.escaped, false);
  const auto& log_l = limits.nll.log_likelihood;
  h.nll = h.controlled ? nll_with_gaussian_control(-log_l, eval, all) : limits.nll.nll;
  h.kept = h.controlled && escaped > 0 && rows - escaped >= 2
               ? nll_with_gaussian_control(-log_l.index({h.kept_rows}), eval.index({h.kept_rows}), all)
               : limits.nll.nll_kept;
  return h;
}

// The headline's interval (docs/uncertainty.md), written into `out`.
Uncertainty add_headline(nlohmann::json& out, const NllHeadline& h, const Limits& limits, int64_t all_rows) {
  Uncertainty u(h.nll, "pf_ode");
  u.add_random("monte_carlo", h.nll.std_error)
      .add_missing("ode_discretisation", "the solver's error at its tolerances is not measured; a run with tighter "
                                         "--rtol/--atol shows it")
      .add_missing("measured_rows", "in the Monte Carlo error: every row is measured once");
  out["nll"] = u.to_json();
  out["nll"]["estimator"] = h.controlled ? "mean of -ln p_model + ln q over the rows measured plus the mean of -ln q over all " +
                                               std::to_string(all_rows) + " rows, q the Gaussian fitted to them "
                                               "(docs/likelihood.md)"
                                         : std::string("mean of -ln p_model over the rows measured");
  out["nll_plain"] = to_json(limits.nll.nll);
  if (limits.nll.escaped.numel() > 0) out["nll_without_escaped"] = to_json(h.kept);
  return u;
}

// With a known law: the model's excess NLL over −ln p_d on the same rows, KL(p_d ‖ p_θ), paired (escaped
// rows left out when any escaped), and S0 + that excess − the bound, which carries the model's spread only.
struct PairedExcess {
  std::optional<Estimate> excess, gap;
};
PairedExcess paired_excess(nlohmann::json& out, const std::string& spec_path, const torch::Tensor& eval, const Limits& limits,
                           const DataEntropy& s0, const torch::Tensor& kept_rows) {
  PairedExcess p;
  const auto log_p = with_spec(spec_path, [&](const nlohmann::json& spec) { return data_log_density(spec, eval); });
  const auto diff = log_p - limits.nll.log_likelihood;
  p.excess = mean_estimate(diff);
  out["excess_over_data"] = to_json(*p.excess);
  out["excess_over_data"]["data_nll_same_rows"] = to_json(mean_estimate(-log_p));
  const int64_t escaped = limits.nll.escaped.numel();
  if (escaped > 0 && eval.size(0) - escaped >= 2) {
    p.excess = mean_estimate(diff.index({kept_rows}));
    out["excess_over_data"]["without_escaped"] = to_json(*p.excess);
  }
  p.gap = Estimate{s0.value.value + p.excess->value - limits.bound.value.value,
                   std::hypot(p.excess->std_error, limits.bound.value.std_error)};
  out["gap_paired"] = to_json(*p.gap);
  return p;
}

// The orderings thermodynamic bound <= NLL <= denoising bound, each as a test: the difference that should be
// >= 0, its stderr, and a verdict at kOrderingZ stderrs. NLL − bound is the paired gap when the law is known
// (S0 + the paired excess − the bound), else the headline NLL without escaped rows minus the bound; the
// denoising bound − that NLL has both stderrs (the NLL's estimates the law's, as the bound does).
constexpr double kOrderingZ = 2.0;

std::string ordering_verdict(const Estimate& d) {
  const double z = d.value / d.std_error;
  return z >= kOrderingZ ? "holds" : z > -kOrderingZ ? "within noise" : "broken";
}

std::string ordering_tests(nlohmann::json& out, const Limits& limits, const Estimate& nll, const std::optional<Estimate>& paired_gap) {
  const Estimate lower = paired_gap ? *paired_gap
                                    : Estimate{nll.value - limits.bound.value.value, std::hypot(nll.std_error, limits.bound.value.std_error)};
  const Estimate upper{limits.denoising.total.value - nll.value, std::hypot(limits.denoising.total.std_error, nll.std_error)};
  std::string text;
  for (const auto& [key, label, d] : {std::tuple{"bound_le_nll_test", "NLL - bound >= 0", lower},
                                      std::tuple{"nll_le_denoising_bound_test", "denoising - NLL >= 0", upper}}) {
    const auto verdict = ordering_verdict(d);
    out["orderings"][key] = {{"difference", d.value}, {"stderr", d.std_error}, {"z", d.value / d.std_error}, {"verdict", verdict}};
    text += format("  %-24s %10.4f ± %.4f  %s (z = %.1f)\n", label, d.value, d.std_error, verdict.c_str(), d.value / d.std_error);
  }
  out["orderings"]["tests"] = paired_gap ? "NLL - bound: the paired gap; denoising - NLL: stderrs in quadrature"
                                         : "stderrs in quadrature";
  return text;
}

}  // namespace

Report run_nll(const NllRequest& a) {
  const auto device = device_from_name(a.device);
  const auto run = load_model(a.model, device, a.data);
  require_unconditional(run);
  const auto rows_used = load_data(run, a.data, a.measure_on);
  const auto& x = rows_used.x;
  const auto& data_path = rows_used.path;
  std::string grid_source;
  const auto q = quantization(a, data_path, grid_source);
  if (a.rows < 0) throw std::runtime_error("--rows must be >= 0 (0: all), got " + std::to_string(a.rows));
  const int64_t rows = a.rows == 0 ? x.size(0) : std::min(a.rows, x.size(0));
  if (rows < 2) throw std::runtime_error(data_path + ": needs at least 2 rows to measure a likelihood");
  auto gen = make_generator(derive_seed(a.options.seed(), 11));
  auto eval = x.slice(0, 0, rows);
  if (a.dequantize) eval = dequantize(eval, q, gen);
  const auto s0 = data_entropy_for(a.exact, rows_used.all, a.options.seed());

  const auto quadrature = measurement_options(a.options, run.config);
  auto likelihood = a.likelihood;
  likelihood.s_min(quadrature.s_min()).seed(a.options.seed()).group(a.options.group()).divergence(resolve_divergence(a.divergence, a.likelihood.divergence(), x.size(1)));
  const auto limits = measure_limits(*run.process, run.score(), eval.to(device, torch::kFloat32), s0.value,
                                     LimitsOptions().likelihood(likelihood).quadrature(quadrature).ddpm_steps(a.ddpm_steps));

  const auto csv = a.csv.empty() ? run.output_file("nll.csv") : a.csv;
  if (a.options.group().leader()) write_nll_csv(csv, limits.nll, rows, x.size(1), q);  // rank 0 alone writes (docs/distributed.md)

  Report r;
  auto& out = r.json;
  out = limits.to_json();
  const auto headline = headline_nll(limits, eval, rows_used.all, a.dequantize);
  const auto& nll = headline.nll;
  const bool controlled = headline.controlled;
  const int64_t escaped = limits.nll.escaped.numel();
  const auto uncertainty = add_headline(out, headline, limits, rows_used.all.size(0));
  const auto bpd = bits_per_dim(nll, x.size(1), q);
  out["units"] = "nats per sample";
  out["bits_per_dim"] = to_json(bpd);
  out["bits_per_dim"]["offset_bits"] = q.offset_bits();
  out["bits_per_dim"]["quantisation"] =
      q.levels == 0 ? nlohmann::json("none: continuous data, no offset")
                    : nlohmann::json({{"levels", q.levels}, {"range", {q.low, q.high}}, {"dequantised", a.dequantize}, {"from", grid_source}});
  out["thermodynamic_bound"]["data_entropy_method"] = s0.method;
  const auto paired = !a.exact.empty() && !a.dequantize ? paired_excess(out, a.exact, eval, limits, s0, headline.kept_rows)
                                                         : PairedExcess{};
  const auto& excess = paired.excess;
  const auto& paired_gap = paired.gap;
  out[run.source_key()] = run.name;
  out["step"] = run.step;
  out["data"] = data_path;
  out["rows"] = rows;
  out["measured_on"] = measured_on_without_check(rows_used.selection, "the PF-ODE costs as much again");
  out["dim"] = x.size(1);
  out["process"] = run.process->config();
  out["quadrature"] = limits.production.system.settings();
  out["per_sample"] = csv;
  if (const int64_t k = limits.nll.escaped.numel(); k > 0)
    r.warnings.push_back("diffinfo: warning: " + std::to_string(k) + " of " + std::to_string(rows) +
                         " trajectories escaped the prior (rows " + out["escaped"]["rows"].dump() + (k > 20 ? "..." : "") +
                         "): the model's flow diverges there and their NLL dominates the mean; without them NLL = " +
                         format("%g ± %g", limits.nll.nll_kept.value, limits.nll.nll_kept.std_error));
  auto line = [&r](const char* name, const Estimate& e, const char* note) {
    r.text += format("  %-24s %10.4f ± %.4f  %s\n", name, e.value, e.std_error, note);
  };
  r.text += format("%s: %lld rows of %s, %s process, step %lld (nats per sample)\n", run.name.c_str(),
              static_cast<long long>(rows), data_path.c_str(), run.process->name().c_str(),
              static_cast<long long>(run.step));
  if (limits.ddpm) line("DDPM ELBO", limits.ddpm->total, "upper bound, discrete VP schedule");
  line("denoising bound", limits.denoising.total, "upper bound (Kelly gamblers Eq. 31)");
  line("NLL (PF-ODE)", nll, ("95 % interval " + uncertainty.interval_text() + (controlled ? ", Gaussian control variate" : "")).c_str());
  if (controlled) line("  plain mean", limits.nll.nll, "");
  if (escaped > 0) line("  without escaped rows", headline.kept, controlled ? "Gaussian control variate" : "");
  line("thermodynamic bound", limits.bound.value, "lower bound (S0 + S1)/2 - dS/2, divergence form");
  line("  norm form", limits.bound_norm.value, "");
  line("S0 (data entropy)", s0.value, s0.method.c_str());
  if (excess) line("NLL - (-ln p_d), paired", *excess, "KL(p_d || p_model) on the same rows");
  if (paired_gap) line("gap NLL - bound, paired", *paired_gap, "S0 + paired excess - bound");
  else line("gap NLL - bound", limits.gap, "");
  r.text += format("  %-24s %10.4f ± %.4f  offset %+g bits\n", "bits/dim", bpd.value, bpd.std_error, q.offset_bits());
  r.text += "  " + rows_line("rows measured: ", rows_used.selection, out["measured_on"]);
  r.text += format("  ODE: %s, %.0f evaluations per batch, divergence %s; per-sample values in %s\n",
              likelihood.solver().c_str(), limits.nll.nfe, likelihood.divergence().method().c_str(), csv.c_str());
  if (escaped > 0) r.text += format("  escaped rows are left out of the lines above but for the NLL, its plain mean and bits/dim; see the warning\n");
  r.text += ordering_tests(out, limits, escaped > 0 ? headline.kept : nll, paired_gap);
  return r;
}

}  // namespace diffinfo::app
