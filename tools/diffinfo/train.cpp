// diffinfo train: fit an entropy-matching (or score) model to data; resumable.
#include "commands.h"

#include "diffinfo/app/train.h"

#include <iostream>

namespace diffinfo::cli {

void add_train(CLI::App& app) {
  auto r = std::make_shared<app::TrainRequest>();
  auto net = std::make_shared<NetworkFlags>();
  auto quiet = std::make_shared<bool>(false);
  auto& o = r->objective;
  auto& t = r->train;
  auto* cmd = app.add_subcommand("train", "Train an entropy-matching diffusion model on [N, D] data (.npy or .csv)");
  cmd->add_option("--data", r->data, "training data [N, D], .npy (float32/float64) or .csv");
  auto* cond = cmd->add_option("--cond", r->cond, "condition on vectors Y [N, D_Y] (.npy or .csv), one row per data row");
  cmd->add_option("--labels", r->labels, "condition on class labels [N] int64 .npy, values 0..K-1")->excludes(cond);
  cmd->add_option("--joint", r->joint,
                  "train one model of Z = [X, Y] and of X and Y alone (joint diffusion, MINDE-j), Y [N, D_Y] .npy or .csv")
      ->excludes(cond);
  cmd->add_flag("--marginals", r->marginals,
                "train the per-coordinate marginal models (one 1-D network, labelled by coordinate) for 'diffinfo tc'");
  cmd->add_option("--out", r->out, "run directory (config.json, checkpoint.pt, train_log.jsonl)")->required();
  cmd->add_flag("--resume", r->resume, "continue the run in --out from its last checkpoint");
  cmd->add_option("--device", r->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_flag("--quiet", *quiet, "no progress bar or summary");
  auto* init = cmd->add_option("--init", r->init,
                               "start from the weights of run RUN, with its process, network and data scale, a fresh "
                               "optimiser and schedule and this run's objective: a fine-tune, e.g. with --null-consistency");
  // What the network computes: a run keeps it on --resume and takes it from --init's run.
  std::vector<CLI::Option*> shape = {
      cmd->add_option("--process", r->process, "forward process: vp | vpx | sl | ve")->capture_default_str(),
      cmd->add_option("--beta-min", r->proc.beta_min(), "VP/VPx: beta at s = 0")->capture_default_str(),
      cmd->add_option("--beta-max", r->proc.beta_max(), "VP/VPx: beta at s = 1")->capture_default_str(),
      cmd->add_option("--kappa", r->proc.kappa(), "VPx: equilibrium std kappa")->capture_default_str(),
      cmd->add_option("--sigma0", r->proc.sigma0(), "SL: equilibrium std Sigma0")->capture_default_str(),
      cmd->add_option("--sigma-min", r->proc.sigma_min(), "VE: smallest noise scale")->capture_default_str(),
      cmd->add_option("--sigma-max", r->proc.sigma_max(), "VE: largest noise scale")->capture_default_str(),
      cmd->add_option("--output", r->output, "network output: entropy (e_theta) | score (heavy-tailed data: score unless given; docs/bmi.md)")->capture_default_str(),
  };
  const auto net_flags = net->add(cmd);
  shape.insert(shape.end(), net_flags.begin(), net_flags.end());
  // What else a resumed run keeps.
  const std::vector<CLI::Option*> fixed = {
      init,
      cmd->add_option("--weighting", o.weighting(), "loss weighting: likelihood | noise | none")->capture_default_str(),
      cmd->add_option("--time-sampling", o.time_sampling(), "importance | uniform")->capture_default_str(),
      cmd->add_option("--s-min", o.s_min(), "smallest diffusion time")->capture_default_str(),
      cmd->add_option("--p-uncond", o.p_uncond(), "conditional runs: probability of training on the null condition")
          ->capture_default_str(),
      cmd->add_option("--null-consistency", o.null_consistency(),
                      "conditional runs: weight of the pull of each null row toward its own condition's output "
                      "(MINDE's null gap shrinks; 0: off)")->capture_default_str(),
      cmd->add_option("--batch", t.batch_size(), "global batch size: with several ranks, each runs the network on its share of it")->capture_default_str(),
      cmd->add_option("--lr", t.lr(), "peak learning rate")->capture_default_str(),
      cmd->add_option("--label-lr", t.label_lr(),
                      "--labels: factor on the label embeddings' learning rate (with --zero-labels, a faster start)")
          ->capture_default_str(),
      cmd->add_option("--warmup", t.warmup(), "learning-rate warm-up steps")->capture_default_str(),
      cmd->add_option("--ema", t.ema_decay(), "EMA decay of the measured weights")->capture_default_str(),
      cmd->add_option("--precision", t.precision(),
                      "float32 | bfloat16: the training steps' matrix products and convolutions in bfloat16 (autocast; "
                      "fast on CPUs with AMX or AVX-512-BF16 and on GPUs); weights, Adam, EMA and measurement stay "
                      "float32 (docs/performance.md)")
          ->capture_default_str(),
      cmd->add_option("--seed", t.seed(), "seed of initialisation, batches, times and noise")->capture_default_str(),
      cmd->add_option("--checkpoint-every", t.checkpoint_every(), "steps between checkpoints")->capture_default_str(),
      cmd->add_option("--log-every", t.log_every(), "steps between log lines")->capture_default_str(),
      cmd->add_option("--holdout", t.holdout(),
                      "fraction of the rows held out of training, at least min(" + std::to_string(kMinHoldoutRows) +
                          ", N/4) rows (RUN/holdout.npy): their loss is logged at every checkpoint (with --cond or --labels also "
                          "the information I(X;Y) the network reads on them and on as many trained rows, --stop-on), the "
                          "run ends on the best checkpoint, and the measuring commands draw from them (0: train and measure "
                          "on every row; docs/held_out.md)")->capture_default_str(),
      cmd->add_option("--patience", t.patience(),
                      "stop after this many checkpoints in a row worse than the best (--stop-on) (0: train every step; "
                      "--steps is then the most a run trains)")
          ->capture_default_str(),
      cmd->add_option("--stop-on", t.stop_on(),
                      "what judges the checkpoints: loss (the held-out denoising loss) | information (also worse: a held-out "
                      "MMSE gap that falls while the in-sample one does not, the conditional branch memorising; "
                      "docs/held_out.md) | auto (information with --cond or --labels, else loss)")
          ->check(CLI::IsMember(stop_on_names()))
          ->capture_default_str(),
      cmd->add_option("--cooldown", t.cooldown(),
                      "once patience is spent, anneal the learning rate to lr * lr_final over this many steps and end "
                      "on the best checkpoint (0: end at once)")
          ->capture_default_str(),
  };
  auto* steps = cmd->add_option("--steps", t.steps(),
                                "optimiser steps (default " + std::to_string(t.steps()) + ", " +
                                    std::to_string(kConditionalSteps) + " with --cond, --labels or --joint; may grow on --resume)");
  cmd->add_option("--ensemble", r->ensemble,
                  "train K networks: the run and K-1 members in RUN/ensemble/, each on a bootstrap resample of the rows "
                  "trained on with a seed of its own; the measuring commands measure all on the same draws and their "
                  "spread joins the 95 % interval (docs/uncertainty.md). On --resume a larger K adds members")
      ->capture_default_str();
  auto dist = std::make_shared<DistFlags>();
  dist->add(cmd);
  cmd->callback([r, net, quiet, shape, fixed, steps, dist] {
    if (dist->launch()) return;
    r->group = dist->join(r->device);
    r->net = net->get();
    r->steps_given = steps->count() > 0;
    r->shape_given = given(shape), r->fixed_given = given(fixed);
    ProgressBar bar;
    const auto report = app::run_train(*r, *quiet || !r->group.leader() ? TrainCallbacks{} : bar.start("train"));
    bar.finish();
    if (*quiet) print_warnings(report);
    else print(report, false);
  });
}

}  // namespace diffinfo::cli
