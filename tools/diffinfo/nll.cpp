// diffinfo nll: the model's NLL by the probability-flow ODE, the upper bounds beside it and the
// thermodynamic lower bound, in one table.
#include "commands.h"

#include "diffinfo/io/files.h"
#include "diffinfo/random.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

struct NllArgs {
  std::string run, data, device = "cpu", exact, csv;
  int64_t rows = 1000, ddpm_steps = 1000, levels = 0;
  std::vector<double> range;
  bool dequantize = false, json = false;
  LikelihoodOptions likelihood;
  DivergenceArgs divergence;
  EntropyOptions options;
};

// The grid the data lie on: --levels and --range, or else the scaling that 'diffinfo images'
// recorded in the spec beside the data; never guessed from the values.
Quantization quantization(const NllArgs& a, const std::string& data_path, std::string& source) {
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

void run_nll(const NllArgs& a) {
  const auto device = parse_device(a.device);
  const auto run = load_run(a.run, device);
  require_unconditional(run.config, a.run);
  auto [x, data_path] = load_run_data(run.config, a.run, a.data);
  std::string grid_source;
  const auto q = quantization(a, data_path, grid_source);
  if (a.rows < 0) throw std::runtime_error("--rows must be >= 0 (0: all), got " + std::to_string(a.rows));
  const int64_t rows = a.rows == 0 ? x.size(0) : std::min(a.rows, x.size(0));
  if (rows < 2) throw std::runtime_error(data_path + ": needs at least 2 rows to measure a likelihood");
  auto gen = make_generator(derive_seed(a.options.seed(), 11));
  auto eval = x.slice(0, 0, rows);
  if (a.dequantize) eval = dequantize(eval, q, gen);
  const auto s0 = data_entropy_for(a.exact, x, a.options.seed());

  const auto quadrature = measure_options(a.options, run.config);
  auto likelihood = a.likelihood;
  likelihood.s_min(quadrature.s_min()).seed(a.options.seed()).divergence(a.divergence.resolve(x.size(1)));
  const auto limits = measure_limits(*run.process, run_score(run), eval.to(device, torch::kFloat32), s0.value,
                                     LimitsOptions().likelihood(likelihood).quadrature(quadrature).ddpm_steps(a.ddpm_steps));
  const auto bpd = bits_per_dim(limits.nll.nll, x.size(1), q);

  const auto csv = a.csv.empty() ? run_file(a.run, "nll.csv") : a.csv;
  {
    std::ostringstream out;
    out.precision(10);
    out << "row,log_likelihood,nll,bits_per_dim,log_prior,divergence\n";
    const double k = 1.0 / (static_cast<double>(x.size(1)) * std::log(2.0));
    for (int64_t i = 0; i < rows; ++i) {
      const double ll = limits.nll.log_likelihood[i].item<double>();
      out << i << ',' << ll << ',' << -ll << ',' << -ll * k + q.offset_bits() << ','
          << limits.nll.log_prior[i].item<double>() << ',' << limits.nll.divergence[i].item<double>() << "\n";
    }
    write_text_atomic(csv, out.str());
  }

  auto out = limits.to_json();
  out["units"] = "nats per sample";
  out["bits_per_dim"] = to_json(bpd);
  out["bits_per_dim"]["offset_bits"] = q.offset_bits();
  out["bits_per_dim"]["quantisation"] =
      q.levels == 0 ? nlohmann::json("none: continuous data, no offset")
                    : nlohmann::json({{"levels", q.levels}, {"range", {q.low, q.high}}, {"dequantised", a.dequantize}, {"from", grid_source}});
  out["thermodynamic_bound"]["data_entropy_method"] = s0.method;
  // With a known law: the model's excess NLL over −ln p_d on the same rows, KL(p_d ‖ p_θ), paired.
  std::optional<Estimate> excess, paired_gap;  // excess: escaped rows left out when any escaped
  if (!a.exact.empty() && !a.dequantize) {
    const auto log_p = with_spec(a.exact, [&](const nlohmann::json& spec) { return data_log_density(spec, eval); });
    const auto diff = log_p - limits.nll.log_likelihood;
    excess = mean_estimate(diff);
    out["excess_over_data"] = to_json(*excess);
    out["excess_over_data"]["data_nll_same_rows"] = to_json(mean_estimate(-log_p));
    if (limits.nll.escaped.numel() > 0 && rows - limits.nll.escaped.numel() >= 2) {
      excess = mean_estimate(diff.index({torch::ones({rows}, torch::kBool).index_fill_(0, limits.nll.escaped, false)}));
      out["excess_over_data"]["without_escaped"] = to_json(*excess);
    }
    // S0 + the paired excess estimates the NLL with the model's spread only, not the data's.
    paired_gap = Estimate{s0.value.value + excess->value - limits.bound.value.value,
                          std::hypot(excess->std_error, limits.bound.value.std_error)};
    out["gap_paired"] = to_json(*paired_gap);
  }
  out["run"] = a.run;
  out["step"] = run.step;
  out["data"] = data_path;
  out["rows"] = rows;
  out["dim"] = x.size(1);
  out["process"] = run.process->config();
  out["quadrature"] = limits.production.system.settings();
  out["per_sample"] = csv;
  if (const int64_t k = limits.nll.escaped.numel(); k > 0)
    std::cerr << "diffinfo: warning: " << k << " of " << rows << " trajectories escaped the prior (rows "
              << out["escaped"]["rows"].dump() << (k > 20 ? "..." : "")
              << "): the model's flow diverges there and their NLL dominates the mean; without them NLL = "
              << limits.nll.nll_kept.value << " ± " << limits.nll.nll_kept.std_error << "\n";
  if (a.json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  auto line = [](const char* name, const Estimate& e, const char* note) {
    std::printf("  %-24s %10.4f ± %.4f  %s\n", name, e.value, e.std_error, note);
  };
  std::printf("%s: %lld rows of %s, %s process, step %lld (nats per sample)\n", a.run.c_str(),
              static_cast<long long>(rows), data_path.c_str(), run.process->name().c_str(),
              static_cast<long long>(run.step));
  if (limits.ddpm) line("DDPM ELBO", limits.ddpm->total, "upper bound, discrete VP schedule");
  line("denoising bound", limits.denoising.total, "upper bound (seed 003 Eq. 31)");
  line("NLL (PF-ODE)", limits.nll.nll, "");
  if (limits.nll.escaped.numel() > 0) line("  without escaped rows", limits.nll.nll_kept, "");
  line("thermodynamic bound", limits.bound.value, "lower bound (S0 + S1)/2 - dS/2, divergence form");
  line("  norm form", limits.bound_norm.value, "");
  line("S0 (data entropy)", s0.value, s0.method.c_str());
  if (excess) line("NLL - (-ln p_d), paired", *excess, "KL(p_d || p_model) on the same rows");
  const bool escaped = limits.nll.escaped.numel() > 0;
  if (paired_gap) line("gap NLL - bound, paired", *paired_gap, "S0 + paired excess - bound");
  else line("gap NLL - bound", limits.gap, "");
  std::printf("  %-24s %10.4f ± %.4f  offset %+g bits\n", "bits/dim", bpd.value, bpd.std_error, q.offset_bits());
  std::printf("  ODE: %s, %.0f evaluations per batch, divergence %s; per-sample values in %s\n",
              likelihood.solver().c_str(), limits.nll.nfe, likelihood.divergence().method().c_str(), csv.c_str());
  if (escaped) std::printf("  escaped rows are left out of the lines above but for the plain NLL and bits/dim; see the warning\n");
  const double nll_seen = paired_gap ? paired_gap->value + limits.bound.value.value : limits.nll.nll_kept.value;
  if (nll_seen < limits.bound.value.value || nll_seen > limits.denoising.total.value)
    std::printf("  note: the measured values break bound <= NLL <= denoising bound (see their stderrs)\n");
}

}  // namespace

void add_nll(CLI::App& app) {
  auto a = std::make_shared<NllArgs>();
  auto* cmd = app.add_subcommand("nll", "Negative log-likelihood by the probability-flow ODE, with upper and thermodynamic bounds");
  cmd->add_option("--run", a->run, "run directory written by 'diffinfo train'")->required();
  cmd->add_option("--data", a->data, "data x0 [N, D] (default: the run's training data)");
  cmd->add_option("--rows", a->rows, "integrate the first N rows (0: all)")->capture_default_str();
  cmd->add_option("--solver", a->likelihood.solver(), "rk45 (adaptive) | heun (fixed steps)")
      ->check(CLI::IsMember(solver_names()))
      ->capture_default_str();
  cmd->add_option("--rtol", a->likelihood.rtol(), "RK45 relative tolerance")->capture_default_str();
  cmd->add_option("--atol", a->likelihood.atol(), "RK45 absolute tolerance")->capture_default_str();
  cmd->add_option("--heun-steps", a->likelihood.steps(), "Heun steps")->capture_default_str();
  cmd->add_option("--batch", a->likelihood.batch_size(), "samples integrated together")->capture_default_str();
  a->divergence.add(cmd);
  cmd->add_option("--ddpm-steps", a->ddpm_steps, "steps of the DDPM ELBO's VP schedule (0: skip)")->capture_default_str();
  cmd->add_option("--levels", a->levels, "quantised data: values per coordinate (256 for 8 bits; default: the image spec beside the data)");
  cmd->add_option("--range", a->range, "quantised data: LOW HIGH of the value range")->expected(2);
  cmd->add_flag("--dequantize", a->dequantize, "add uniform noise over each value's bin before measuring");
  cmd->add_option("--exact", a->exact, "spec JSON of the data's law, for S0 (default: k-NN estimate on the data)");
  cmd->add_option("--csv", a->csv, "per-sample values (default RUN/nll.csv)");
  cmd->add_flag("--json", a->json, "print one JSON object on stdout");
  add_measure_options(cmd, a->device, a->options);
  cmd->callback([a] { run_nll(*a); });
}

}  // namespace diffinfo::cli
