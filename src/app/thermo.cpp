#include "diffinfo/app/thermo.h"

#include "diffinfo/app/measurement.h"
#include "diffinfo/measure/thermodynamics.h"
#include "diffinfo/report/thermodynamics.h"

#include <cmath>

namespace diffinfo::app {

Report run_thermo(const ThermoRequest& a) {
  const auto device = device_from_name(a.device);
  const auto run = load_model(a.model, device, a.data);
  require_unconditional(run);
  const auto rows_used = load_data(run, a.data, a.measure_on);
  const auto& x = rows_used.x;
  const auto& data_path = rows_used.path;
  const auto options = measurement_options(a.options, run.config);
  const auto divergence = resolve_divergence(a.divergence, a.probes, x.size(1));
  const auto p = entropy_production(*run.process, run.score(), x.to(device, torch::kFloat32), options, divergence);
  const auto s0 = data_entropy_for(a.exact, rows_used.all, a.options.seed());
  const double s1 = run.process->prior_entropy(x.size(1));
  const auto bound = thermodynamic_bound(p.system_div, s0.value, s1);
  const auto bound_norm = thermodynamic_bound(p.system, s0.value, s1);

  const auto csv = a.csv.empty() ? run.output_file("thermo_rates.csv") : a.csv;
  const bool writer = a.options.group().leader();  // rank 0 alone writes (docs/distributed.md)
  if (writer) write_production_csv(csv, p);
  if (writer && !a.plot.empty())
    plot_production(a.plot, p, "entropy production, " + run.process->name() + " process (" + run.name + ")");

  const auto totals = production_totals(p);
  const double rel = totals["stein"]["relative_difference"];
  Report r;
  auto& out = r.json;
  out = {
      {"units", "nats (rates per unit generative time t = T - s, integrated over s in [s_min, T])"},
      {"norm_form", totals["norm_form"]},
      {"divergence_form", totals["divergence_form"]},
      {"stein", totals["stein"]},
      {"thermodynamic_bound", bound.to_json()},
      {run.source_key(), run.name},
      {"step", run.step},
      {"data", data_path},
      {"measured_on", measured_on_without_check(rows_used.selection, "not computed for entropy production")},
      {"dim", x.size(1)},
      {"process", run.process->config()},
      {"divergence", divergence.method()},
      {"settings", p.system.settings()},
      {"curve", csv}};
  out["thermodynamic_bound"]["form"] = "divergence";
  out["thermodynamic_bound"]["norm_form"] = bound_norm.to_json();
  out["thermodynamic_bound"]["data_entropy_method"] = s0.method;
  if (!a.plot.empty()) out["plot"] = a.plot;
  auto row = [&r](const char* form, const EntropyProfile& i, const EntropyProfile& e, const EntropyProfile& s) {
    r.text += format("  %-16s %10.4f ± %-8.4f %10.4f ± %-8.4f %10.4f ± %-8.4f %8.3f\n", form, i.total.value, i.total.std_error,
                e.total.value, e.total.std_error, s.total.value, s.total.std_error, e.total.value / i.total.value);
  };
  r.text += format("%s: entropy production of generation, %s process, step %lld (nats, integrated over s in [%g, %g])\n",
              run.name.c_str(), run.process->name().c_str(), static_cast<long long>(run.step), options.s_min(),
              p.system.t_max);
  r.text += format("  %-16s %21s %21s %21s %8s\n", "", "intrinsic", "exchange", "system", "Se/Si");
  row("divergence form", p.intrinsic_div, p.exchange_div, p.system_div);
  row("norm form", p.intrinsic, p.exchange, p.system);
  r.text += format("  Stein check: s^2/2 E|s|^2 = %.4f ± %.4f vs -s^2/2 E div s = %.4f ± %.4f (difference %.4f ± %.4f, %+.2f %%)\n",
              p.score_norm.total.value, p.score_norm.total.std_error, p.score_divergence.total.value,
              p.score_divergence.total.std_error, p.stein.total.value, p.stein.total.std_error, 100 * rel);
  r.text += format("  bound (S0 + S1)/2 - dS/2 = %.4f ± %.4f (norm form %.4f ± %.4f); S0 = %.4f ± %.4f (%s), S1 = %.4f\n",
              bound.value.value, bound.value.std_error, bound_norm.value.value, bound_norm.value.std_error,
              s0.value.value, s0.value.std_error, s0.method.c_str(), s1);
  r.text += "  " + rows_line("rows measured: ", rows_used.selection, out["measured_on"]);
  r.text += format("  curves: %s%s%s\n", csv.c_str(), a.plot.empty() ? "" : ", plot ", a.plot.c_str());
  return r;
}

}  // namespace diffinfo::app
