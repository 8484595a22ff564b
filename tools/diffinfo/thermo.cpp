// diffinfo thermo: entropy production of generation (intrinsic, exchange, system), the Stein check and
// the thermodynamic bound on the NLL.
#include "commands.h"

#include "diffinfo/app/thermo.h"

namespace diffinfo::cli {

void add_thermo(CLI::App& app) {
  auto r = std::make_shared<app::ThermoRequest>();
  auto model = std::make_shared<ModelFlags>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("thermo", "Entropy production rates of generation, the Stein check and the thermodynamic NLL bound");
  model->add(cmd, "run directory written by 'diffinfo train'");
  cmd->add_option("--data", r->data, "data x0 [N, D], used whole (default: the run's own rows, --measure-on)");
  cmd->add_option("--exact", r->exact, "spec JSON of the data's law, for S0 (default: k-NN estimate on the data)");
  add_divergence_options(cmd, r->divergence, r->probes);
  cmd->add_option("--csv", r->csv, "where the curves go (default RUN/thermo_rates.csv)");
  cmd->add_option("--plot", r->plot, "also draw the rates to FILE.png or FILE.svg (gnuplot)");
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  add_rows_option(cmd, r->measure_on);
  add_measure_options(cmd, r->device, r->options);
  auto dist = std::make_shared<DistFlags>();
  dist->add(cmd);
  cmd->callback([r, json, model, dist] {
    if (dist->launch()) return;
    r->options.group(dist->join(r->device));
    r->model = model->get();
    print(app::run_thermo(*r), *json);
  });
}

}  // namespace diffinfo::cli
