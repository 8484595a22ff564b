// diffinfo train: fit an entropy-matching (or score) model to data; resumable.
#include "commands.h"

#include "diffinfo/data/matrix.h"
#include "diffinfo/measure/mutual_information.h"
#include "diffinfo/measure/total_correlation.h"
#include "diffinfo/train/trainer.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

struct TrainArgs {
  std::string data, cond, labels, joint, init, out, process = "vp", device = "cpu", output = "entropy";
  bool resume = false, quiet = false, marginals = false;
  ProcessOptions proc;
  NetworkArgs net;
  ObjectiveOptions objective;
  TrainOptions train;
};

// The run --init names, whose process, network and scales a fine-tune takes: `shape` (the flags that set
// them) must not be given, and the fine-tune's data must be conditioned as that run's was.
RunConfig init_source(const TrainArgs& a, const std::vector<CLI::Option*>& shape, const std::string& cond_kind) {
  for (auto* opt : shape)
    if (opt->count() > 0)
      throw std::runtime_error(opt->get_name() + " comes from the --init run " + a.init + ": a fine-tune keeps its network");
  auto source = read_run_config(a.init);
  if (source.cond_kind != cond_kind)
    throw std::runtime_error(run_file(a.init, "config.json") + ": the run's condition is " + source.cond_kind +
                             ", this run's is " + cond_kind + ": a fine-tune keeps its conditioning");
  return source;
}

void run_train(const TrainArgs& a, const std::vector<CLI::Option*>& fixed_on_resume,
               const std::vector<CLI::Option*>& shape, CLI::Option* steps_opt, CLI::Option* data_opt) {
  const auto device = parse_device(a.device);
  RunConfig config;
  if (a.resume) {
    for (auto* opt : fixed_on_resume)
      if (opt->count() > 0)
        throw std::runtime_error(opt->get_name() + " cannot change on --resume: the run keeps its configuration");
    config = read_run_config(a.out);
    if (steps_opt->count() > 0) config.train.steps(a.train.steps());
    if (data_opt->count() > 0) config.data_path = std::filesystem::absolute(a.data).string();
    if (!a.cond.empty() || !a.labels.empty() || !a.joint.empty() || a.marginals)
      throw std::runtime_error("--cond, --labels, --joint and --marginals cannot change on --resume: the run keeps " +
                               (config.cond_path.empty() ? std::string("no conditioning") : config.cond_path));
  } else {
    if (a.data.empty()) throw std::runtime_error("--data is required (or --resume an existing run)");
    if (a.train.label_lr() != 1.0 && a.labels.empty())
      throw std::runtime_error("--label-lr sets how fast labels are learned: it needs --labels");
    if (a.objective.null_consistency() != 0.0 && a.labels.empty() && a.cond.empty())
      throw std::runtime_error("--null-consistency trains the null condition: it needs --labels or --cond");
    if (a.objective.null_consistency() != 0.0 && a.objective.p_uncond() == 0.0)
      throw std::runtime_error("--null-consistency acts on the rows trained on the null condition: it needs --p-uncond > 0");
    config.process = make_process(a.process, a.proc)->config();
    config.output = a.output;
    config.objective = a.objective;
    config.train = a.train;
    if (steps_opt->count() == 0 && (!a.cond.empty() || !a.labels.empty() || !a.joint.empty()))
      config.train.steps(kConditionalSteps);
    config.data_path = std::filesystem::absolute(a.data).string();
    if (!a.cond.empty()) config.cond_kind = "vector", config.cond_path = std::filesystem::absolute(a.cond).string();
    if (!a.labels.empty()) config.cond_kind = "labels", config.cond_path = std::filesystem::absolute(a.labels).string();
    if (a.marginals) {
      if (!a.cond.empty() || !a.labels.empty()) throw std::runtime_error("--marginals takes no --cond or --labels");
      config.cond_kind = "coordinates";
      config.objective.p_uncond(0.0);  // every row is some coordinate: the null label is never needed
    }
    if (!a.joint.empty()) {
      if (!a.cond.empty() || !a.labels.empty() || a.marginals)
        throw std::runtime_error("--joint takes no --cond, --labels or --marginals");
      config.cond_kind = "joint", config.cond_path = std::filesystem::absolute(a.joint).string();
      config.objective.p_uncond(0.0);  // every row is some block of Z: the null label is never needed
    }
  }
  std::optional<RunConfig> source;
  if (!a.resume && !a.init.empty()) {
    source = init_source(a, shape, config.cond_kind);
    config.init_run = std::filesystem::absolute(a.init).string();
    config.process = source->process;
    config.output = source->output;
  }
  // The run whose network this one is (itself on --resume): the data must fit it.
  const RunConfig* trained = source ? &*source : a.resume ? &config : nullptr;
  const std::string trained_dir = source ? a.init : a.out;
  auto x = load_matrix(config.data_path);
  torch::Tensor cond;
  const int64_t columns = x.size(1);
  if (config.cond_kind == "coordinates") std::tie(x, cond) = stack_coordinates(x);  // seed 003 Eq. 8 marginals
  if (config.cond_kind == "vector") cond = load_matrix(config.cond_path);
  if (config.cond_kind == "labels")
    cond = load_labels(config.cond_path, trained ? trained->model.classes() : 0);
  if (config.cond_kind == "joint") {  // Z = [X, Y], each row once per block (MINDE-j)
    const auto y = load_matrix(config.cond_path);
    if (y.size(0) != x.size(0))
      throw std::runtime_error(config.cond_path + ": expected " + std::to_string(x.size(0)) + " rows (one per row of " +
                               config.data_path + "), got " + std::to_string(y.size(0)));
    if (trained && y.size(1) != trained->model.dim() - trained->joint_split)
      throw std::runtime_error(config.cond_path + ": has " + std::to_string(y.size(1)) + " columns, the run in " +
                               trained_dir + " was trained on " + std::to_string(trained->model.dim() - trained->joint_split));
    std::tie(x, cond) = stack_joint(x, y);
  }
  if (trained && columns != trained->data_columns())
    throw std::runtime_error(config.data_path + ": has " + std::to_string(columns) + " columns, the run in " + trained_dir +
                             " was trained on " + std::to_string(trained->data_columns()));
  if (trained && config.cond_kind == "vector" && cond.size(1) != trained->model.cond_dim())
    throw std::runtime_error(config.cond_path + ": has " + std::to_string(cond.size(1)) + " columns, the run in " +
                             trained_dir + " was trained on " + std::to_string(trained->model.cond_dim()));
  if (source) {  // the same function of the same inputs: the network and the scales of data and condition
    config.model = source->model;
    config.data_var = source->data_var, config.cond_var = source->cond_var, config.joint_split = source->joint_split;
  } else if (!a.resume) {
    if (a.net.arch != "mlp" && (config.cond_kind == "coordinates" || config.cond_kind == "joint"))
      throw std::runtime_error("--arch " + a.net.arch + " models images: it takes no --joint or --marginals");
    config.model = a.net.options(config.data_path, x.size(1), !a.labels.empty());
    config.data_var = x.var(0).mean().item<double>();
    if (config.cond_kind == "vector") {
      config.model.cond_dim(cond.size(1));
      config.cond_var = std::max(cond.var(0).mean().item<double>(), 1e-12);
    }
    if (config.cond_kind == "labels") config.model.classes(cond.max().item<int64_t>() + 1);
    if (config.cond_kind == "coordinates") config.model.classes(columns);
    if (config.cond_kind == "joint") {  // each block keeps its own scale (score_model.h)
      config.model.classes(3), config.joint_split = columns;
      config.data_var = x.narrow(1, 0, columns).var(0).mean().item<double>();
      config.cond_var = std::max(x.narrow(1, columns, x.size(1) - columns).var(0).mean().item<double>(), 1e-12);
    }
  }
  if (!a.resume)
    config.data_rows = x.size(0) / (config.cond_kind == "coordinates" ? columns : config.cond_kind == "joint" ? 3 : 1);
  ProgressBar bar("train");
  TrainCallbacks callbacks;
  if (!a.quiet) callbacks.progress = [&bar](int64_t s, int64_t n, double loss) { bar.update(s, n, loss); };
  const auto result = train(config, {x, cond}, a.out, a.resume, device, callbacks);
  bar.finish();
  if (!a.quiet && result.was_complete())
    std::cout << a.out << (result.stopped ? " ended on its held-out loss at step " : " is already trained to step ")
              << result.steps << " (pass a larger --steps to go on)\n";
  else if (!a.quiet)
    std::cout << "trained " << a.out
              << (!a.init.empty() ? " from " + a.init + " (step " + std::to_string(result.init_step) + ")" : "")
              << ": steps " << result.start_step << " -> " << result.steps << ", final loss " << result.final_loss
              << ", " << result.seconds << " s\n";
  if (!a.quiet && result.best_step > 0)
    std::cout << "held-out loss " << result.holdout.value << " ± " << result.holdout.std_error << " is lowest at step "
              << result.best_step << (result.stopped ? " (stopped by --patience)" : "") << ": " << a.out
              << "/checkpoint.pt holds those weights\n";
}

}  // namespace

void add_train(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "Train an entropy-matching diffusion model on [N, D] data (.npy or .csv)");
  auto* data_opt = cmd->add_option("--data", a->data, "training data [N, D], .npy (float32/float64) or .csv");
  auto* cond_opt = cmd->add_option("--cond", a->cond, "condition on vectors Y [N, D_Y] (.npy or .csv), one row per data row");
  cmd->add_option("--labels", a->labels, "condition on class labels [N] int64 .npy, values 0..K-1")->excludes(cond_opt);
  cmd->add_option("--joint", a->joint,
                  "train one model of Z = [X, Y] and of X and Y alone (joint diffusion, MINDE-j), Y [N, D_Y] .npy or .csv")
      ->excludes(cond_opt);
  cmd->add_flag("--marginals", a->marginals,
                "train the per-coordinate marginal models (one 1-D network, labelled by coordinate) for 'diffinfo tc'");
  cmd->add_option("--out", a->out, "run directory (config.json, checkpoint.pt, train_log.jsonl)")->required();
  cmd->add_flag("--resume", a->resume, "continue the run in --out from its last checkpoint");
  cmd->add_option("--device", a->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_flag("--quiet", a->quiet, "no progress bar or summary");
  auto* init_opt = cmd->add_option("--init", a->init,
                                   "start from the weights of run RUN, with its process, network and data scale, a fresh "
                                   "optimiser and schedule and this run's objective: a fine-tune, e.g. with --null-consistency");
  // What the network computes: a run keeps it on --resume and takes it from --init's run.
  std::vector<CLI::Option*> shape = {
      cmd->add_option("--process", a->process, "forward process: vp | vpx | sl | ve")->capture_default_str(),
      cmd->add_option("--beta-min", a->proc.beta_min(), "VP/VPx: beta at s = 0")->capture_default_str(),
      cmd->add_option("--beta-max", a->proc.beta_max(), "VP/VPx: beta at s = 1")->capture_default_str(),
      cmd->add_option("--kappa", a->proc.kappa(), "VPx: equilibrium std kappa")->capture_default_str(),
      cmd->add_option("--sigma0", a->proc.sigma0(), "SL: equilibrium std Sigma0")->capture_default_str(),
      cmd->add_option("--sigma-min", a->proc.sigma_min(), "VE: smallest noise scale")->capture_default_str(),
      cmd->add_option("--sigma-max", a->proc.sigma_max(), "VE: largest noise scale")->capture_default_str(),
      cmd->add_option("--output", a->output, "network output: entropy (e_theta) | score")->capture_default_str(),
  };
  const auto net_flags = a->net.add(cmd);
  shape.insert(shape.end(), net_flags.begin(), net_flags.end());
  std::vector<CLI::Option*> fixed = {
      init_opt,
      cmd->add_option("--weighting", a->objective.weighting(), "loss weighting: likelihood | noise | none")->capture_default_str(),
      cmd->add_option("--time-sampling", a->objective.time_sampling(), "importance | uniform")->capture_default_str(),
      cmd->add_option("--s-min", a->objective.s_min(), "smallest diffusion time")->capture_default_str(),
      cmd->add_option("--p-uncond", a->objective.p_uncond(),
                      "conditional runs: probability of training on the null condition")->capture_default_str(),
      cmd->add_option("--null-consistency", a->objective.null_consistency(),
                      "conditional runs: weight of the pull of each null row toward its own condition's output "
                      "(MINDE's null gap shrinks; 0: off)")->capture_default_str(),
      cmd->add_option("--batch", a->train.batch_size(), "batch size")->capture_default_str(),
      cmd->add_option("--lr", a->train.lr(), "peak learning rate")->capture_default_str(),
      cmd->add_option("--label-lr", a->train.label_lr(),
                      "--labels: factor on the label embeddings' learning rate (with --zero-labels, a faster start)")
          ->capture_default_str(),
      cmd->add_option("--warmup", a->train.warmup(), "learning-rate warm-up steps")->capture_default_str(),
      cmd->add_option("--ema", a->train.ema_decay(), "EMA decay of the measured weights")->capture_default_str(),
      cmd->add_option("--seed", a->train.seed(), "seed of initialisation, batches, times and noise")->capture_default_str(),
      cmd->add_option("--checkpoint-every", a->train.checkpoint_every(), "steps between checkpoints")->capture_default_str(),
      cmd->add_option("--log-every", a->train.log_every(), "steps between log lines")->capture_default_str(),
      cmd->add_option("--holdout", a->train.holdout(),
                      "fraction of the rows held out of training: their loss is logged at every checkpoint and the run "
                      "ends on the checkpoint where it is lowest (0: none)")->capture_default_str(),
      cmd->add_option("--patience", a->train.patience(),
                      "with --holdout: stop after this many checkpoints in a row without a lower held-out loss (0: never)")
          ->capture_default_str(),
  };
  fixed.insert(fixed.end(), shape.begin(), shape.end());
  auto* steps_opt = cmd->add_option("--steps", a->train.steps(),
                                    "optimiser steps (default " + std::to_string(a->train.steps()) + ", " +
                                        std::to_string(kConditionalSteps) + " with --cond, --labels or --joint; may grow on --resume)");
  cmd->callback([a, fixed, shape, steps_opt, data_opt] { run_train(*a, fixed, shape, steps_opt, data_opt); });
}

}  // namespace diffinfo::cli
