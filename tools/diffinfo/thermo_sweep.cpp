// diffinfo thermo-sweep: the thermodynamic-limits experiment in one command — NLL against the bound
// over data, process and noise parameter.
#include "commands.h"

#include "diffinfo/studies/thermo_sweep.h"

namespace diffinfo::cli {

void add_thermo_sweep(CLI::App& app) {
  auto r = std::make_shared<studies::ThermoSweepRequest>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("thermo-sweep",
                                 "Thermodynamic limits, Fig. 1: NLL against the thermodynamic bound over data, process and noise");
  cmd->add_option("--out", r->out, "directory for the data, the runs, the table and the figure")->capture_default_str();
  cmd->add_option("--data", r->data, "data kinds: gaussian, uniform")
      ->check(CLI::IsMember(studies::thermo_sweep_data_names()))
      ->capture_default_str();
  cmd->add_option("--processes", r->processes, "processes: ve (noise = sigma_max), vp (noise = beta_max)")
      ->check(CLI::IsMember(studies::thermo_sweep_process_names()))
      ->capture_default_str();
  cmd->add_option("--noise", r->noise, "noise parameters")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--dim", r->dim, "data dimension")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--rows", r->rows, "training rows per data kind")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--eval-rows", r->eval_rows, "rows whose NLL is integrated")->check(CLI::Range(2, 1 << 30))->capture_default_str();
  cmd->add_option("--steps", r->steps, "training steps per model")->check(CLI::PositiveNumber)->capture_default_str();
  add_divergence_options(cmd, r->divergence, r->probes);
  cmd->add_flag("--json", *json, "print the summary JSON on stdout");
  add_measure_options(cmd, r->device, r->options);
  cmd->callback([r, json] {
    auto bar = std::make_shared<ProgressBar>();
    const auto report = studies::run_thermo_sweep(*r, progress(bar, *json));
    bar->finish();
    print(report, *json);
  });
}

}  // namespace diffinfo::cli
