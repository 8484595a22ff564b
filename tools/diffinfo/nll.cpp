// diffinfo nll: the model's NLL by the probability-flow ODE, the upper bounds beside it and the
// thermodynamic lower bound, in one table.
#include "commands.h"

#include "diffinfo/app/nll.h"

namespace diffinfo::cli {

void add_nll(CLI::App& app) {
  auto r = std::make_shared<app::NllRequest>();
  auto model = std::make_shared<ModelFlags>();
  auto json = std::make_shared<bool>(false);
  auto& l = r->likelihood;
  auto* cmd = app.add_subcommand("nll", "Negative log-likelihood by the probability-flow ODE, with upper and thermodynamic bounds");
  model->add(cmd, "run directory written by 'diffinfo train'");
  cmd->add_option("--data", r->data, "data x0 [N, D], used whole (default: the run's own rows, --measure-on)");
  cmd->add_option("--rows", r->rows, "integrate the first N rows (0: all)")->capture_default_str();
  cmd->add_option("--solver", l.solver(), "rk45 (adaptive) | heun (fixed steps)")
      ->check(CLI::IsMember(solver_names()))
      ->capture_default_str();
  cmd->add_option("--rtol", l.rtol(), "RK45 relative tolerance")->capture_default_str();
  cmd->add_option("--atol", l.atol(), "RK45 absolute tolerance")->capture_default_str();
  cmd->add_option("--heun-steps", l.steps(), "Heun steps")->capture_default_str();
  cmd->add_option("--batch", l.batch_size(), "samples integrated together")->capture_default_str();
  add_divergence_options(cmd, r->divergence, l.divergence());
  cmd->add_option("--ddpm-steps", r->ddpm_steps, "steps of the DDPM ELBO's VP schedule (0: skip)")->capture_default_str();
  cmd->add_option("--levels", r->levels, "quantised data: values per coordinate (256 for 8 bits; default: the image spec beside the data)");
  cmd->add_option("--range", r->range, "quantised data: LOW HIGH of the value range")->expected(2);
  cmd->add_flag("--dequantize", r->dequantize, "add uniform noise over each value's bin before measuring");
  cmd->add_option("--exact", r->exact, "spec JSON of the data's law, for S0 (default: k-NN estimate on the data)");
  cmd->add_option("--csv", r->csv, "per-sample values (default RUN/nll.csv)");
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  add_rows_option(cmd, r->measure_on);
  add_measure_options(cmd, r->device, r->options);
  auto dist = std::make_shared<DistFlags>();
  dist->add(cmd);
  cmd->callback([r, json, model, dist] {
    if (dist->launch()) return;
    r->options.group(dist->join(r->device));
    r->model = model->get();
    print(app::run_nll(*r), *json);
  });
}

}  // namespace diffinfo::cli
