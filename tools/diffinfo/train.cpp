// diffinfo train: fit an entropy-matching (or score) model to data; resumable.
#include "commands.h"

#include "diffinfo/data/matrix.h"
#include "diffinfo/train/trainer.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

struct TrainArgs {
  std::string data, out, process = "vp", device = "cpu", output = "entropy";
  bool resume = false, quiet = false;
  ProcessOptions proc;
  MlpOptions model{1};
  ObjectiveOptions objective;
  TrainOptions train;
};

void run_train(const TrainArgs& a, const std::vector<CLI::Option*>& fixed_on_resume, CLI::Option* steps_opt,
               CLI::Option* data_opt) {
  const auto device = parse_device(a.device);
  RunConfig config;
  if (a.resume) {
    for (auto* opt : fixed_on_resume)
      if (opt->count() > 0)
        throw std::runtime_error(opt->get_name() + " cannot change on --resume: the run keeps its configuration");
    config = read_run_config(a.out);
    if (steps_opt->count() > 0) config.train.steps(a.train.steps());
    if (data_opt->count() > 0) config.data_path = std::filesystem::absolute(a.data).string();
  } else {
    if (a.data.empty()) throw std::runtime_error("--data is required (or --resume an existing run)");
    config.process = make_process(a.process, a.proc)->config();
    config.output = a.output;
    config.objective = a.objective;
    config.train = a.train;
    config.data_path = std::filesystem::absolute(a.data).string();
  }
  const auto x = load_matrix(config.data_path);
  if (a.resume) {
    if (x.size(1) != config.model.dim())
      throw std::runtime_error(config.data_path + ": has " + std::to_string(x.size(1)) + " columns, the run in " + a.out +
                               " was trained on " + std::to_string(config.model.dim()));
  } else {
    config.model = MlpOptions(x.size(1)).width(a.model.width()).depth(a.model.depth()).fourier(a.model.fourier());
    config.data_rows = x.size(0);
    config.data_var = x.var(0).mean().item<double>();
  }
  ProgressBar bar("train");
  TrainCallbacks callbacks;
  if (!a.quiet) callbacks.progress = [&bar](int64_t s, int64_t n, double loss) { bar.update(s, n, loss); };
  const auto result = train(config, x, a.out, a.resume, device, callbacks);
  bar.finish();
  if (!a.quiet && result.was_complete())
    std::cout << a.out << " is already trained to step " << result.steps << " (pass a larger --steps to go on)\n";
  else if (!a.quiet)
    std::cout << "trained " << a.out << ": steps " << result.start_step << " -> " << result.steps << ", final loss "
              << result.final_loss << ", " << result.seconds << " s\n";
}

}  // namespace

void add_train(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "Train an entropy-matching diffusion model on [N, D] data (.npy or .csv)");
  auto* data_opt = cmd->add_option("--data", a->data, "training data [N, D], .npy (float32/float64) or .csv");
  cmd->add_option("--out", a->out, "run directory (config.json, checkpoint.pt, train_log.jsonl)")->required();
  cmd->add_flag("--resume", a->resume, "continue the run in --out from its last checkpoint");
  cmd->add_option("--device", a->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_flag("--quiet", a->quiet, "no progress bar or summary");
  std::vector<CLI::Option*> fixed = {
      cmd->add_option("--process", a->process, "forward process: vp | vpx | sl | ve")->capture_default_str(),
      cmd->add_option("--beta-min", a->proc.beta_min(), "VP/VPx: beta at s = 0")->capture_default_str(),
      cmd->add_option("--beta-max", a->proc.beta_max(), "VP/VPx: beta at s = 1")->capture_default_str(),
      cmd->add_option("--kappa", a->proc.kappa(), "VPx: equilibrium std kappa")->capture_default_str(),
      cmd->add_option("--sigma0", a->proc.sigma0(), "SL: equilibrium std Sigma0")->capture_default_str(),
      cmd->add_option("--sigma-min", a->proc.sigma_min(), "VE: smallest noise scale")->capture_default_str(),
      cmd->add_option("--sigma-max", a->proc.sigma_max(), "VE: largest noise scale")->capture_default_str(),
      cmd->add_option("--width", a->model.width(), "MLP hidden width")->capture_default_str(),
      cmd->add_option("--depth", a->model.depth(), "MLP hidden layers")->capture_default_str(),
      cmd->add_option("--output", a->output, "network output: entropy (e_theta) | score")->capture_default_str(),
      cmd->add_option("--weighting", a->objective.weighting(), "loss weighting: likelihood | noise | none")->capture_default_str(),
      cmd->add_option("--time-sampling", a->objective.time_sampling(), "importance | uniform")->capture_default_str(),
      cmd->add_option("--s-min", a->objective.s_min(), "smallest diffusion time")->capture_default_str(),
      cmd->add_option("--batch", a->train.batch_size(), "batch size")->capture_default_str(),
      cmd->add_option("--lr", a->train.lr(), "peak learning rate")->capture_default_str(),
      cmd->add_option("--warmup", a->train.warmup(), "learning-rate warm-up steps")->capture_default_str(),
      cmd->add_option("--ema", a->train.ema_decay(), "EMA decay of the measured weights")->capture_default_str(),
      cmd->add_option("--seed", a->train.seed(), "seed of initialisation, batches, times and noise")->capture_default_str(),
      cmd->add_option("--checkpoint-every", a->train.checkpoint_every(), "steps between checkpoints")->capture_default_str(),
      cmd->add_option("--log-every", a->train.log_every(), "steps between log lines")->capture_default_str(),
  };
  auto* steps_opt = cmd->add_option("--steps", a->train.steps(), "optimiser steps (may grow on --resume)")->capture_default_str();
  cmd->callback([a, fixed, steps_opt, data_opt] { run_train(*a, fixed, steps_opt, data_opt); });
}

}  // namespace diffinfo::cli
