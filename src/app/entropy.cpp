#include "diffinfo/app/entropy.h"

#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/app/measurement.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/report/entropy.h"

#include <chrono>
#include <cmath>
#include <optional>

namespace diffinfo::app {

Report run_entropy(const EntropyRequest& a) {
  const auto device = device_from_name(a.device);
  const auto model = load_model(a.model, device, a.data);
  require_model_of_x(model);
  const auto rows = load_data(model, a.data, a.measure_on);
  const auto& x = rows.x;
  const auto& data_path = rows.path;
  const auto options = measurement_options(a.options, model.config);
  const auto data = x.to(device, torch::kFloat32);
  const auto& process = *model.process;
  const auto t0 = std::chrono::steady_clock::now();
  const auto profile = neural_entropy(process, model.residual(), data, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto measured_on = rows.selection.to_json();
  std::string memorised;
  if (rows.in_sample.defined()) {  // the same estimate where the network was trained: the memorisation check
    const auto in_sample = neural_entropy(process, model.residual(), rows.in_sample.to(device, torch::kFloat32), options);
    memorised = memorisation_check(measured_on, profile.total_with_rows(), in_sample.total_with_rows(), "S_NN");
    const auto loss = memorisation_check(measured_on, profile.denoising_with_rows(), in_sample.denoising_with_rows(),
                                         "the denoising form of S_NN", "in_sample_loss_form");
    if (memorised.empty()) memorised = loss;
  }

  std::optional<EntropyReference> exact;
  std::string exact_source;
  if (a.exact_gaussian) {
    exact = exact_entropy(GaussianData::fit(x).spec(), process, data, options);
    exact_source = "Gaussian fitted to " + data_path;
  } else if (!a.exact_spec.empty()) {
    exact = with_spec(a.exact_spec, [&](const nlohmann::json& spec) { return exact_entropy(spec, process, data, options); });
    exact_source = a.exact_spec;
  }

  const auto csv = a.csv.empty() ? model.output_file("entropy_rate.csv") : a.csv;
  const bool writer = a.options.group().leader();  // rank 0 alone writes (docs/distributed.md)
  if (writer) write_entropy_csv(csv, profile, exact ? &exact->curve : nullptr);
  if (writer && !a.plot.empty())
    plot_entropy(a.plot, profile, exact ? &exact->curve : nullptr,
                 "neural entropy, " + process.name() + " process (" + model.name + ")");

  Report r;
  auto& out = r.json;
  const auto ensemble = ensemble_values(profile.total.value, load_members(model, device), [&](const MeasuredModel& m) {
    return neural_entropy(process, m.residual(), data, options).total.value;
  });
  auto uncertainty = single_network_uncertainty(profile, model, "neural_entropy", ensemble);
  uncertainty.add_estimator("denoising_form", profile.denoising.value, std::hypot(profile.gap.std_error, profile.gap_rows_stderr));
  out = {{"neural_entropy", uncertainty.to_json()},
         {"units", "nats"},
         {model.source_key(), model.name},
         {"step", model.step},
         {"data", data_path},
         {"rows", x.size(0)},
         {"measured_on", measured_on},
         {"dim", x.size(1)},
         {"process", process.config()},
         {"settings", profile.settings()},
         {"seconds", seconds},  // of the measurement alone (bench/peer.sh reads it)
         {"training", model.training()},
         {"curve", csv}};
  out["denoising_form"] = to_json(profile.denoising);
  out["form_gap"] = to_json(profile.gap);
  if (ensemble.size() > 1) out["ensemble"] = ensemble_json(ensemble);
  if (!a.plot.empty()) out["plot"] = a.plot;
  if (!memorised.empty()) r.warnings.push_back(memorised);
  if (auto w = bias_warning(uncertainty, "S_NN (its denoising form)"); !w.empty()) r.warnings.push_back(w);
  if (auto w = rows_warning(uncertainty, "S_NN"); !w.empty()) r.warnings.push_back(w);
  r.text = format("neural entropy  S_NN = %.4f ± %.4f nats  (%s, s in [%g, %g], step %lld)\n", profile.total.value,
                  profile.total.std_error, process.name().c_str(), options.s_min(), profile.t_max,
                  static_cast<long long>(model.step));
  r.text += uncertainty_line("95 % interval   ", uncertainty);
  r.text += ensemble_line("ensemble        ", ensemble);
  if (exact) {
    const double rel = profile.total.value / exact->total.value - 1.0;
    out["exact"] = {{"total_entropy", to_json(exact->total)},
                    {"method", exact->method},
                    {"source", exact_source},
                    {"curve_estimate", to_json(exact->curve.total)}};
    if (!exact->decomposition.is_null()) out["exact"]["decomposition"] = exact->decomposition;
    out["relative_error"] = rel;
    r.text += format("exact           S_tot = %.4f nats  (%s; %s)\n", exact->total.value, exact->method.c_str(),
                     exact_source.c_str());
    if (!exact->decomposition.is_null()) {
      const double kl = exact->decomposition["kl_to_equilibrium"], tc = exact->decomposition["total_correlation"];
      r.text += format("                KL(p_d||p_eq) = %.4f = marginal KLs %.4f + total correlation %.4f\n", kl, kl - tc, tc);
    }
    const double se = std::hypot(profile.total.std_error, exact->total.std_error);
    r.text += format("relative error  %+.2f %%  (%.1f Monte Carlo stderr; %s the 95 %% interval)\n", 100.0 * rel,
                     se > 0 ? (profile.total.value - exact->total.value) / se : 0.0,
                     inside(uncertainty, exact->total.value) ? "inside" : "outside");
  }
  r.text += rows_line("rows            ", rows.selection, measured_on);
  r.text += format("curve           %s%s%s\n", csv.c_str(), a.plot.empty() ? "" : ", plot ", a.plot.c_str());
  return r;
}

}  // namespace diffinfo::app
