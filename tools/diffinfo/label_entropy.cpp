// diffinfo label-entropy: when generation decides the class — the label posterior along reverse
// trajectories, H(C | X_s), its rate and the decision windows.
#include "commands.h"

#include "diffinfo/app/label_entropy.h"

namespace diffinfo::cli {

void add_label_entropy(CLI::App& app) {
  auto r = std::make_shared<app::LabelEntropyRequest>();
  auto model = std::make_shared<ModelFlags>();
  auto json = std::make_shared<bool>(false);
  auto& o = r->options;
  auto* cmd = app.add_subcommand("label-entropy", "Label posterior along generation: H(C|X_s), its rate and the decision "
                                                  "windows (Semantic information, arXiv 2506.10433)");
  model->add(cmd, "class-conditional run directory (trained with --labels)");
  cmd->add_option("--labels", r->labels, "labels [N] int64 for the prior P(C) (default: the run's)");
  cmd->add_option("--trajectories", o.trajectories(), "reverse trajectories")->capture_default_str();
  cmd->add_option("--steps", o.steps(), "Euler-Maruyama steps from T to s_end")->capture_default_str();
  cmd->add_option("--s-end", o.s_end(), "the last time visited")->capture_default_str();
  cmd->add_option("--class", o.generate(), "draw trajectories from this class (-1: unconditionally)")->capture_default_str();
  cmd->add_option("--rate-window", o.rate_window(), "dH/ds over +- this many steps (0: steps/100)")->capture_default_str();
  cmd->add_flag("--pairs", r->pairs, "also the pairwise c vs c' entropies (CSV) and their decision windows (JSON)");
  cmd->add_option("--exact", r->exact_spec, "mixture spec JSON ('diffinfo data mixture'): exact curves and windows");
  cmd->add_flag("--from-data", r->from_data,
                "paths from the labelled data (--data, --labels; default the run's), diffused forward and read back from T, "
                "instead of generated ones: adds the cross-entropy bound H(C) - CE and MINDE on the same paths; "
                "--trajectories rows are drawn");
  cmd->add_flag("--minde", r->minde, "also I(X_s;C) by MINDE on the run's data, and the gap to the posterior's");
  cmd->add_option("--data", r->data, "--from-data, --minde: data x0 [N, D], used whole (default: the run's own rows, --measure-on)");
  add_rows_option(cmd, r->measure_on);
  cmd->add_option("--eval-batch", r->eval_batch, "paths per batch (0: 64 for a U-Net, 2048 for an MLP)")->capture_default_str();
  cmd->add_option("--seed", o.seed(), "seed of the trajectories")->capture_default_str();
  cmd->add_option("--device", r->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  cmd->add_option("--plot", r->plot, "also draw the curves to FILE.png or FILE.svg (gnuplot)");
  cmd->add_option("--csv", r->csv, "where the curves go (default RUN/label_entropy.csv)");
  auto dist = std::make_shared<DistFlags>();
  dist->add(cmd);
  cmd->callback([r, json, model, dist] {
    if (dist->launch()) return;
    r->options.group(dist->join(r->device));
    r->model = model->get();
    print(app::run_label_entropy(*r), *json);
  });
}

}  // namespace diffinfo::cli
