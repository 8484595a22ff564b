// diffinfo entropy: neural entropy S_NN of a run, its rate curve, and exact references.
#include "commands.h"

#include "diffinfo/analytic/reference.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/io/files.h"
#include "diffinfo/report/curves.h"
#include "diffinfo/train/run.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

struct EntropyArgs {
  std::string run, data, plot, device = "cpu", exact_spec, csv;
  bool json = false, exact_gaussian = false;
  EntropyOptions options;
};

void run_entropy(EntropyArgs a) {
  const auto device = parse_device(a.device);
  const auto run = load_run(a.run, device);
  require_model_of_x(run.config, a.run);
  const auto [x, data_path] = load_run_data(run.config, a.run, a.data);
  const auto options = measure_options(a.options, run.config);
  const auto data = x.to(device, torch::kFloat32);
  const auto& process = *run.process;
  const auto model = run.model;
  const auto profile =
      neural_entropy(process, [&](const torch::Tensor& xs, const torch::Tensor& s) { return model->residual(xs, s); },
                     data, options);

  std::optional<EntropyReference> exact;
  std::string exact_source;
  if (a.exact_gaussian) {
    const auto fit = GaussianData::fit(x);
    exact = exact_entropy(fit.spec(),
                          process, data, options);
    exact_source = "Gaussian fitted to " + data_path;
  } else if (!a.exact_spec.empty()) {
    exact = with_spec(a.exact_spec, [&](const nlohmann::json& spec) { return exact_entropy(spec, process, data, options); });
    exact_source = a.exact_spec;
  }

  const auto csv = a.csv.empty() ? run_file(a.run, "entropy_rate.csv") : a.csv;
  write_entropy_csv(csv, profile, exact ? &exact->curve : nullptr);
  if (!a.plot.empty())
    plot_entropy(a.plot, profile, exact ? &exact->curve : nullptr,
                 "neural entropy, " + process.name() + " process (" + a.run + ")");

  const auto config = run.config.to_json();
  nlohmann::json out = {{"neural_entropy", to_json(profile.total)},
                        {"units", "nats"},
                        {"run", a.run},
                        {"step", run.step},
                        {"data", data_path},
                        {"rows", x.size(0)},
                        {"dim", x.size(1)},
                        {"process", process.config()},
                        {"settings", profile.settings()},
                        {"training", {{"objective", config["objective"]}, {"model", config["model"]}, {"train", config["train"]}}},
                        {"curve", csv}};
  if (!a.plot.empty()) out["plot"] = a.plot;
  if (exact) {
    const double rel = profile.total.value / exact->total.value - 1.0;
    out["exact"] = {{"total_entropy", to_json(exact->total)},
                    {"method", exact->method},
                    {"source", exact_source},
                    {"curve_estimate", to_json(exact->curve.total)}};
    if (!exact->decomposition.is_null()) out["exact"]["decomposition"] = exact->decomposition;
    out["relative_error"] = rel;
  }
  if (a.json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("neural entropy  S_NN = %.4f ± %.4f nats  (%s, s in [%g, %g], step %lld)\n", profile.total.value,
              profile.total.std_error, process.name().c_str(), options.s_min(), profile.t_max,
              static_cast<long long>(run.step));
  if (exact) {
    std::printf("exact           S_tot = %.4f nats  (%s; %s)\n", exact->total.value, exact->method.c_str(),
                exact_source.c_str());
    const double se = std::hypot(profile.total.std_error, exact->total.std_error);
    if (!exact->decomposition.is_null()) {
      const double kl = exact->decomposition["kl_to_equilibrium"], tc = exact->decomposition["total_correlation"];
      std::printf("                KL(p_d||p_eq) = %.4f = marginal KLs %.4f + total correlation %.4f\n", kl, kl - tc, tc);
    }
    std::printf("relative error  %+.2f %%  (%.1f stderr)\n", 100.0 * (profile.total.value / exact->total.value - 1.0),
                se > 0 ? (profile.total.value - exact->total.value) / se : 0.0);
  }
  std::printf("curve           %s%s%s\n", csv.c_str(), a.plot.empty() ? "" : ", plot ", a.plot.c_str());
}

}  // namespace

void add_entropy(CLI::App& app) {
  auto a = std::make_shared<EntropyArgs>();
  auto* cmd = app.add_subcommand("entropy", "Neural entropy S_NN of a trained run, with stderr and the entropy-rate curve");
  cmd->add_option("--run", a->run, "run directory written by 'diffinfo train'")->required();
  cmd->add_option("--data", a->data, "data x0 [N, D] (default: the run's training data)");
  cmd->add_flag("--json", a->json, "print one JSON object on stdout");
  cmd->add_option("--plot", a->plot, "also draw the curve to FILE.png or FILE.svg (gnuplot)");
  cmd->add_option("--csv", a->csv, "where the curve goes (default RUN/entropy_rate.csv)");
  auto* g = cmd->add_flag("--exact-gaussian", a->exact_gaussian,
                          "add the exact S_tot and curve of the Gaussian fitted to the data");
  cmd->add_option("--exact", a->exact_spec, "add the exact S_tot and curve of a law in a spec JSON ('diffinfo data' writes one)")
      ->excludes(g);
  add_measure_options(cmd, a->device, a->options);
  cmd->callback([a] { run_entropy(*a); });
}

}  // namespace diffinfo::cli
