// diffinfo demo: the whole pipeline on an embedded default, against the exact answer.
#include "commands.h"

#include "diffinfo/app/demo.h"

namespace diffinfo::cli {

void add_demo(CLI::App& app) {
  auto r = std::make_shared<app::DemoRequest>();
  auto* cmd = app.add_subcommand("demo", "Train on an embedded 6-D Gaussian and compare S_NN with the exact S_tot");
  cmd->add_option("--out", r->out, "run directory")->capture_default_str();
  cmd->add_option("--device", r->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--steps", r->steps, "training steps")->capture_default_str();
  cmd->add_option("--seed", r->seed, "seed of data, training and measurement")->capture_default_str();
  cmd->callback([r] {
    auto bar = std::make_shared<ProgressBar>();
    const auto report = app::run_demo(*r, progress(bar, false));
    bar->finish();
    print(report, false);
  });
}

}  // namespace diffinfo::cli
