// diffinfo thermo-sweep: the seed 004 experiment in one command. Gaussian and uniform data, VE and VP
// processes, the noise parameter (VE σ_max, VP β_max) over a list; one model each, then NLL, the
// thermodynamic bound and the gap in a table, and the figure of NLL against the bound plus the three
// rates of the best uniform-VE model. Runs that exist are resumed, finished ones only measured. The NLL
// in the table is S0 plus the paired excess over −ln p_d (the law is known), so its stderr is the model's.
#include "commands.h"

#include "diffinfo/data/npy.h"
#include "diffinfo/data/synthetic.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/report/curves.h"
#include "diffinfo/train/trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

namespace diffinfo::cli {
namespace {

struct SweepArgs {
  std::string out = "thermo_sweep", device = "cpu";
  std::vector<std::string> data = {"gaussian", "uniform"}, processes = {"ve", "vp"};
  std::vector<double> noise = {10, 20, 30};
  int64_t dim = 2, rows = 10000, eval_rows = 500, steps = 5000;
  bool json = false;
  DivergenceArgs divergence;
  EntropyOptions options = EntropyOptions().points(50).samples_per_point(1024);
};

std::string noise_name(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

void run_sweep(const SweepArgs& a) {
  const auto device = parse_device(a.device);
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
        train_or_resume(config, synth.x, dir, device, "train " + dir);

        const auto run = load_run(dir, device);
        const auto quadrature = measure_options(a.options, run.config);
        const auto likelihood =
            LikelihoodOptions().s_min(quadrature.s_min()).seed(a.options.seed()).divergence(a.divergence.resolve(a.dim));
        const auto eval = synth.x.slice(0, 0, std::min(a.eval_rows, a.rows)).to(device, torch::kFloat32);
        const auto l = measure_limits(*run.process, run_score(run), eval, s0.value,
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
        if (!a.json)
          std::printf("%-8s %-2s noise %-4s  NLL %8.4f ± %.4f  bound %8.4f ± %.4f  gap %+.4f ± %.4f  (S0 %.4f)\n",
                    kind.c_str(), name.c_str(), noise_name(noise).c_str(), nll.value, nll.std_error, l.bound.value.value,
                    l.bound.value.std_error, gap.value, gap.std_error, s0.value.value);
        std::fflush(stdout);
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
  const nlohmann::json summary = {{"runs", runs}, {"table", table}, {"plot", plot}, {"units", "nats per sample"}};
  write_text_atomic(run_file(a.out, "summary.json"), summary.dump(2) + "\n");
  if (a.json) {
    std::cout << summary.dump(2) << "\n";
    return;
  }
  std::printf("table: %s\nplot:  %s\nall numbers with settings: %s\n", table.c_str(), plot.c_str(),
              run_file(a.out, "summary.json").c_str());
}

}  // namespace

void add_thermo_sweep(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand("thermo-sweep",
                                 "Seed 004 experiment: NLL against the thermodynamic bound over data, process and noise");
  cmd->add_option("--out", a->out, "directory for the data, the runs, the table and the figure")->capture_default_str();
  cmd->add_option("--data", a->data, "data kinds: gaussian, uniform")
      ->check(CLI::IsMember({"gaussian", "uniform"}))
      ->capture_default_str();
  cmd->add_option("--processes", a->processes, "processes: ve (noise = sigma_max), vp (noise = beta_max)")
      ->check(CLI::IsMember({"ve", "vp"}))
      ->capture_default_str();
  cmd->add_option("--noise", a->noise, "noise parameters")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--dim", a->dim, "data dimension")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--rows", a->rows, "training rows per data kind")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--eval-rows", a->eval_rows, "rows whose NLL is integrated")->check(CLI::Range(2, 1 << 30))->capture_default_str();
  cmd->add_option("--steps", a->steps, "training steps per model")->check(CLI::PositiveNumber)->capture_default_str();
  a->divergence.add(cmd);
  cmd->add_flag("--json", a->json, "print the summary JSON on stdout");
  add_measure_options(cmd, a->device, a->options);
  cmd->callback([a] { run_sweep(*a); });
}

}  // namespace diffinfo::cli
