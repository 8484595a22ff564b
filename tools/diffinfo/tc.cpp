// diffinfo tc: total correlation of X from a joint run and its per-coordinate marginal run.
#include "commands.h"

#include "diffinfo/app/tc.h"

namespace diffinfo::cli {

void add_tc(CLI::App& app) {
  auto r = std::make_shared<app::TcRequest>();
  auto model = std::make_shared<ModelFlags>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("tc", "Total correlation of X from a joint run and its marginal run (train --marginals)");
  model->add(cmd, "unconditional run on the full data X [N, D]");
  cmd->add_option("--marginals", r->marginals.run, "run trained with 'diffinfo train --marginals' on the same X")->required();
  cmd->add_option("--data", r->data, "data x0 [N, D], used whole (default: the run's own rows, --measure-on)");
  cmd->add_option("--exact", r->exact_spec, "add the closed-form TC of a Gaussian spec ('diffinfo data gaussian')");
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  add_rows_option(cmd, r->measure_on);
  add_measure_options(cmd, r->device, r->options);
  auto dist = std::make_shared<DistFlags>();
  dist->add(cmd);
  cmd->callback([r, json, model, dist] {
    if (dist->launch()) return;
    r->options.group(dist->join(r->device));
    r->model = model->get();
    print(app::run_tc(*r), *json);
  });
}

}  // namespace diffinfo::cli
