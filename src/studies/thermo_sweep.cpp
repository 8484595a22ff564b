#include "diffinfo/studies/thermo_sweep.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/app/measurement.h"
#include "diffinfo/app/train.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/io/files.h"
#include "diffinfo/measure/limits.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/names.h"
#include "diffinfo/random.h"
#include "diffinfo/report/thermodynamics.h"

#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>

namespace diffinfo::studies {

std::vector<std::string> thermo_sweep_data_names() { return {"gaussian", "uniform"}; }
std::vector<std::string> thermo_sweep_process_names() { return {"ve", "vp"}; }

namespace {

std::string noise_name(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

app::Report run_thermo_sweep(const ThermoSweepRequest& a, const app::Progress& progress) {
  const auto device = app::device_from_name(a.device);
  for (const auto& kind : a.data)
    if (!is_known(thermo_sweep_data_names(), kind)) throw std::invalid_argument(unknown_name("data kind", kind, thermo_sweep_data_names()));
  for (const auto& name : a.processes)
    if (!is_known(thermo_sweep_process_names(), name)) throw std::invalid_argument(unknown_name("process", name, thermo_sweep_process_names()));
  std::filesystem::create_directories(a.out);
  std::vector<LimitsRow> rows;
  nlohmann::json runs = nlohmann::json::array();
  std::optional<EntropyProduction> best;
  std::string best_label;
  double best_nll = INFINITY;
  for (const auto& kind : a.data) {
    auto gen = make_generator(a.options.seed());
    const auto synth = kind == "gaussian" ? make_gaussian(GaussianSpec().dim(a.dim).seed(a.options.seed()), a.rows, gen)
                                          : make_uniform(UniformSpec().dim(a.dim), a.rows, gen);
    const auto data_path = std::filesystem::absolute(run_file(a.out, kind + ".npy")).string();
    write_npy(data_path, synth.x.to(torch::kFloat32));
    write_text_atomic(run_file(a.out, kind + ".spec.json"), synth.spec.dump(2) + "\n");
    const auto s0 = data_entropy(synth.spec, a.dim);
    for (const auto& name : a.processes) {
      for (const double noise : a.noise) {
        const auto dir = run_file(a.out, kind + "-" + name + "-" + noise_name(noise));
        RunConfig config;
        config.process =
            make_process(name, name == "ve" ? ProcessOptions().sigma_max(noise) : ProcessOptions().beta_max(noise))->config();
        config.model = NetworkOptions(a.dim);
        config.train.steps(a.steps).seed(a.options.seed());
        config.data_path = data_path;
        app::train_or_resume(config, synth.x, dir, device, progress.start("train " + dir));

        const auto run = app::load_model({dir}, device);
        const auto quadrature = app::measurement_options(a.options, run.config);
        const auto likelihood = LikelihoodOptions().s_min(quadrature.s_min()).seed(a.options.seed())
                                    .divergence(app::resolve_divergence(a.divergence, a.probes, a.dim));
        const auto eval = synth.x.slice(0, 0, std::min(a.eval_rows, a.rows)).to(device, torch::kFloat32);
        const auto l = measure_limits(*run.process, run.score(), eval, s0.value,
                                      LimitsOptions().likelihood(likelihood).quadrature(quadrature).ddpm_steps(0));
        // The law is known: NLL = S0 + KL(p_d ‖ p_θ), the KL paired on the same rows, which removes the
        // spread of −ln p_d across rows from the NLL's stderr (a control variate).
        const auto excess = mean_estimate(data_log_density(synth.spec, eval) - l.nll.log_likelihood);
        const Estimate nll{s0.value.value + excess.value, excess.std_error};
        const Estimate gap{nll.value - l.bound.value.value, std::hypot(nll.std_error, l.bound.value.std_error)};
        rows.push_back({kind, name, noise, nll, l.bound.value, l.denoising.total, s0.value.value});
        auto j = l.to_json();
        j["nll_paired"] = to_json(nll);
        j["nll_paired"]["method"] = "S0 + mean(ln p_d - ln p_model) on the same rows";
        j["gap_paired"] = to_json(gap);
        j["run"] = dir, j["data"] = kind, j["process"] = run.process->config(), j["noise"] = noise;
        j["data_entropy_method"] = s0.method;
        runs.push_back(j);
        progress.say(app::format("%-8s %-2s noise %-4s  NLL %8.4f ± %.4f  bound %8.4f ± %.4f  gap %+.4f ± %.4f  (S0 %.4f)",
                                 kind.c_str(), name.c_str(), noise_name(noise).c_str(), nll.value, nll.std_error,
                                 l.bound.value.value, l.bound.value.std_error, gap.value, gap.std_error, s0.value.value));
        if (kind == "uniform" && name == "ve" && nll.value < best_nll) {
          best_nll = nll.value;
          best = l.production;
          best_label = "rates of the best uniform VE model (" + dir + ")";
        }
      }
    }
  }
  const auto table = run_file(a.out, "table.csv");
  write_limits_csv(table, rows);
  std::string plot = run_file(a.out, "nll_vs_bound.png");
  if (best) {
    write_production_csv(run_file(a.out, "best_rates.csv"), *best);
    try {
      plot_limits(plot, rows, *best, best_label);
    } catch (const std::exception& e) {
      plot = std::string("not drawn (") + e.what() + ")";
    }
  } else {
    plot = "not drawn (no uniform VE model in the sweep)";
  }
  app::Report r;
  r.json = {{"runs", runs}, {"table", table}, {"plot", plot}, {"units", "nats per sample"}};
  write_text_atomic(run_file(a.out, "summary.json"), r.json.dump(2) + "\n");
  r.text = app::format("table: %s\nplot:  %s\nall numbers with settings: %s\n", table.c_str(), plot.c_str(),
              run_file(a.out, "summary.json").c_str());
  return r;
}

}  // namespace diffinfo::studies
