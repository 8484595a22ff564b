// diffinfo export: a run's network as a TorchScript module with its card, for PyTorch and --model.
#include "commands.h"

#include "diffinfo/app/export.h"

namespace diffinfo::cli {

void add_export(CLI::App& app) {
  auto r = std::make_shared<app::ExportRequest>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("export", "Write a run's (EMA) network as a TorchScript module FILE.pt with its card FILE.json");
  cmd->add_option("--run", r->run, "run directory written by 'diffinfo train' (an MLP or U-Net, plain or trained with --labels)")->required();
  cmd->add_option("--out", r->out, "the TorchScript file, FILE.pt (torch.jit.load in PyTorch, --model in diffinfo)")->required();
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  cmd->callback([r, json] { print(app::run_export(*r), *json); });
}

}  // namespace diffinfo::cli
