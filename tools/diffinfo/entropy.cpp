// diffinfo entropy: neural entropy S_NN of a run, its rate curve, and exact references.
#include "commands.h"

#include "diffinfo/app/entropy.h"

namespace diffinfo::cli {

void add_entropy(CLI::App& app) {
  auto r = std::make_shared<app::EntropyRequest>();
  auto model = std::make_shared<ModelFlags>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("entropy", "Neural entropy S_NN of a trained run, with stderr and the entropy-rate curve");
  model->add(cmd, "run directory written by 'diffinfo train'");
  cmd->add_option("--data", r->data, "data x0 [N, D], used whole (default: the run's own rows, --measure-on)");
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  cmd->add_option("--plot", r->plot, "also draw the curve to FILE.png or FILE.svg (gnuplot)");
  cmd->add_option("--csv", r->csv, "where the curve goes (default RUN/entropy_rate.csv)");
  auto* g = cmd->add_flag("--exact-gaussian", r->exact_gaussian,
                          "add the exact S_tot and curve of the Gaussian fitted to the data");
  cmd->add_option("--exact", r->exact_spec, "add the exact S_tot and curve of a law in a spec JSON ('diffinfo data' writes one)")
      ->excludes(g);
  add_rows_option(cmd, r->measure_on);
  add_measure_options(cmd, r->device, r->options);
  auto dist = std::make_shared<DistFlags>();
  dist->add(cmd);
  cmd->callback([r, json, model, dist] {
    if (dist->launch()) return;
    r->options.group(dist->join(r->device));
    r->model = model->get();
    print(app::run_entropy(*r), *json);
  });
}

}  // namespace diffinfo::cli
