// diffinfo mi: mutual information I(X; Y) of a conditional or joint run, by MINDE, by the difference of
// neural entropies and by the MMSE gap.
#include "commands.h"

#include "diffinfo/app/mi.h"

namespace diffinfo::cli {

void add_mi(CLI::App& app) {
  auto r = std::make_shared<app::MiRequest>();
  auto model = std::make_shared<ModelFlags>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("mi", "Mutual information I(X;Y) of a conditional or joint run: MINDE, the entropy difference and the MMSE gap");
  model->add(cmd, "conditional run directory (trained with --cond or --labels) or joint run (--joint)");
  auto* ur = cmd->add_option("--uncond-run", r->uncond.run, "a separate unconditional run for e(x_s, s) (default: the null condition)");
  auto uncond_model = std::make_shared<std::string>();
  cmd->add_option("--uncond-model", *uncond_model,
                  "or a separate unconditional TorchScript model FILE.pt, with --model's card flags and FILE.json beside it")
      ->excludes(ur);
  cmd->add_option("--data", r->data, "data x0 [N, D], used whole (default: the run's own rows, --measure-on)");
  auto* c = cmd->add_option("--cond", r->cond, "condition vectors Y [N, D_Y] (default: the run's)");
  cmd->add_option("--labels", r->labels, "labels [N] int64 (default: the run's)")->excludes(c);
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  cmd->add_option("--plot", r->plot, "also draw the curves to FILE.png or FILE.svg (gnuplot)");
  cmd->add_option("--csv", r->csv, "where the curve goes (default RUN/mi_rate.csv)");
  cmd->add_option("--exact", r->exact_spec, "add exact MI and exact-score curves of a law in a spec JSON ('diffinfo data' writes one)");
  add_rows_option(cmd, r->measure_on);
  add_measure_options(cmd, r->device, r->options);
  auto dist = std::make_shared<DistFlags>();
  dist->add(cmd);
  cmd->callback([r, json, model, uncond_model, dist] {
    if (dist->launch()) return;
    r->options.group(dist->join(r->device));
    r->model = model->get();
    if (!uncond_model->empty()) r->uncond = app::unconditional_source(r->model, *uncond_model);
    print(app::run_mi(*r), *json);
  });
}

}  // namespace diffinfo::cli
