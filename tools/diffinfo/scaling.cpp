// diffinfo scaling: neural entropy against training-set size, one model per size and a fit on ln N.
#include "commands.h"

#include "diffinfo/process.h"
#include "diffinfo/studies/scaling.h"

namespace diffinfo::cli {

void add_scaling(CLI::App& app) {
  auto r = std::make_shared<studies::ScalingRequest>();
  auto net = std::make_shared<NetworkFlags>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("scaling", "Neural entropy against training-set size N: one model per N, fit of S_NN on ln N");
  cmd->add_option("--data", r->data, "data [N, D] .npy or .csv (images: 'diffinfo images' writes them)")->required();
  cmd->add_option("--sizes", r->sizes, "training-set sizes (at least 3), nested random subsets")->required();
  cmd->add_option("--out", r->out, "directory for the subsets, runs, table and plot")->capture_default_str();
  cmd->add_option("--process", r->process, "forward process: vp | vpx | sl | ve")
      ->check(CLI::IsMember(process_names()))
      ->capture_default_str();
  cmd->add_option("--steps", r->steps, "training steps per model")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--batch", r->batch, "batch size (a U-Net on a CPU: 64)")->check(CLI::PositiveNumber)->capture_default_str();
  net->add(cmd);
  cmd->add_flag("--json", *json, "print the summary JSON on stdout");
  add_measure_options(cmd, r->device, r->options);
  cmd->callback([r, net, json] {
    r->net = net->get();
    auto bar = std::make_shared<ProgressBar>();
    const auto report = studies::run_scaling(*r, progress(bar, *json));
    bar->finish();
    print(report, *json);
  });
}

}  // namespace diffinfo::cli
