// diffinfo thermo: entropy production of generation (intrinsic, exchange, system), the Stein check
// and the thermodynamic bound on the NLL (seed 004, MATH.md §8).
#include "commands.h"

#include "diffinfo/report/curves.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

namespace diffinfo::cli {
namespace {

struct ThermoArgs {
  std::string run, data, device = "cpu", exact, csv, plot;
  bool json = false;
  DivergenceArgs divergence;
  EntropyOptions options;
};

void run_thermo(const ThermoArgs& a) {
  const auto device = parse_device(a.device);
  const auto run = load_run(a.run, device);
  require_unconditional(run.config, a.run);
  const auto [x, data_path] = load_run_data(run.config, a.run, a.data);
  const auto options = measure_options(a.options, run.config);
  const auto divergence = a.divergence.resolve(x.size(1));
  const auto p = entropy_production(*run.process, run_score(run), x.to(device, torch::kFloat32), options, divergence);
  const auto s0 = data_entropy_for(a.exact, x, a.options.seed());
  const double s1 = run.process->prior_entropy(x.size(1));
  const auto bound = thermodynamic_bound(p.system_div, s0.value, s1);
  const auto bound_norm = thermodynamic_bound(p.system, s0.value, s1);

  const auto csv = a.csv.empty() ? run_file(a.run, "thermo_rates.csv") : a.csv;
  write_production_csv(csv, p);
  if (!a.plot.empty())
    plot_production(a.plot, p, "entropy production, " + run.process->name() + " process (" + a.run + ")");

  const auto totals = production_totals(p);
  const double rel = totals["stein"]["relative_difference"];
  nlohmann::json out = {
      {"units", "nats (rates per unit generative time t = T - s, integrated over s in [s_min, T])"},
      {"norm_form", totals["norm_form"]},
      {"divergence_form", totals["divergence_form"]},
      {"stein", totals["stein"]},
      {"thermodynamic_bound", bound.to_json()},
      {"run", a.run},
      {"step", run.step},
      {"data", data_path},
      {"dim", x.size(1)},
      {"process", run.process->config()},
      {"divergence", divergence.method()},
      {"settings", p.system.settings()},
      {"curve", csv}};
  out["thermodynamic_bound"]["form"] = "divergence";
  out["thermodynamic_bound"]["norm_form"] = bound_norm.to_json();
  out["thermodynamic_bound"]["data_entropy_method"] = s0.method;
  if (!a.plot.empty()) out["plot"] = a.plot;
  if (a.json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  auto row = [](const char* form, const EntropyProfile& i, const EntropyProfile& e, const EntropyProfile& s) {
    std::printf("  %-16s %10.4f ± %-8.4f %10.4f ± %-8.4f %10.4f ± %-8.4f %8.3f\n", form, i.total.value, i.total.std_error,
                e.total.value, e.total.std_error, s.total.value, s.total.std_error, e.total.value / i.total.value);
  };
  std::printf("%s: entropy production of generation, %s process, step %lld (nats, integrated over s in [%g, %g])\n",
              a.run.c_str(), run.process->name().c_str(), static_cast<long long>(run.step), options.s_min(),
              p.system.t_max);
  std::printf("  %-16s %21s %21s %21s %8s\n", "", "intrinsic", "exchange", "system", "Se/Si");
  row("divergence form", p.intrinsic_div, p.exchange_div, p.system_div);
  row("norm form", p.intrinsic, p.exchange, p.system);
  std::printf("  Stein check: s^2/2 E|s|^2 = %.4f ± %.4f vs -s^2/2 E div s = %.4f ± %.4f (difference %.4f ± %.4f, %+.2f %%)\n",
              p.score_norm.total.value, p.score_norm.total.std_error, p.score_divergence.total.value,
              p.score_divergence.total.std_error, p.stein.total.value, p.stein.total.std_error, 100 * rel);
  std::printf("  bound (S0 + S1)/2 - dS/2 = %.4f ± %.4f (norm form %.4f ± %.4f); S0 = %.4f ± %.4f (%s), S1 = %.4f\n",
              bound.value.value, bound.value.std_error, bound_norm.value.value, bound_norm.value.std_error,
              s0.value.value, s0.value.std_error, s0.method.c_str(), s1);
  std::printf("  curves: %s%s%s\n", csv.c_str(), a.plot.empty() ? "" : ", plot ", a.plot.c_str());
}

}  // namespace

void add_thermo(CLI::App& app) {
  auto a = std::make_shared<ThermoArgs>();
  auto* cmd = app.add_subcommand("thermo", "Entropy production rates of generation, the Stein check and the thermodynamic NLL bound");
  cmd->add_option("--run", a->run, "run directory written by 'diffinfo train'")->required();
  cmd->add_option("--data", a->data, "data x0 [N, D] (default: the run's training data)");
  cmd->add_option("--exact", a->exact, "spec JSON of the data's law, for S0 (default: k-NN estimate on the data)");
  a->divergence.add(cmd);
  cmd->add_option("--csv", a->csv, "where the curves go (default RUN/thermo_rates.csv)");
  cmd->add_option("--plot", a->plot, "also draw the rates to FILE.png or FILE.svg (gnuplot)");
  cmd->add_flag("--json", a->json, "print one JSON object on stdout");
  add_measure_options(cmd, a->device, a->options);
  cmd->callback([a] { run_thermo(*a); });
}

}  // namespace diffinfo::cli
