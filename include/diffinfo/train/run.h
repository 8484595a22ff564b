#pragma once
// A run directory: everything a training run needs to be measured or resumed.
//   RUN/config.json       the full configuration (process, model, objective, training, data)
//   RUN/checkpoint.pt     weights, EMA weights, optimiser, step and config, written atomically
//   RUN/train_log.jsonl   one JSON object per logged step (and per held-out evaluation)
//   RUN/best.pt           with TrainOptions::holdout, the best checkpoint so far, until the run ends
//   RUN/holdout.npy       with TrainOptions::holdout, the indices [M] int64 of the data rows held out
//   RUN/ensemble/K/       with train --ensemble, the run directory of member K >= 1 (train/ensemble.h)
//
//   auto run = diffinfo::load_run("runs/vp6", torch::kCPU);
//   auto e = run.model->residual(x_s, s);     // the EMA network
#include "diffinfo/model/score_model.h"
#include "diffinfo/train/objective.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace diffinfo {

/// The known values of TrainOptions::stop_on, in order: "auto", "loss", "information".
std::vector<std::string> stop_on_names();

struct TrainOptions {
  /// Optimiser steps (default 10000). With the batch size, this sets how many noisy samples the
  /// network sees; too few bias S_NN low (regression to the mean), see docs/accuracy.md.
  TORCH_ARG(int64_t, steps) = 10000;
  /// Batch size (default 512).
  TORCH_ARG(int64_t, batch_size) = 512;
  /// Peak Adam learning rate (default 1e-3).
  TORCH_ARG(double, lr) = 1e-3;
  /// Linear warm-up steps before the cosine decay (default 200).
  TORCH_ARG(int64_t, warmup) = 200;
  /// The cosine decay ends at lr · lr_final (default 0.05).
  TORCH_ARG(double, lr_final) = 0.05;
  /// Factor on the learning rate of the label embeddings (default 1): with zero-initialised labels
  /// (NetworkOptions::zero_labels) they move only as fast as the loss pulls them, and at the shared
  /// rate the class information is still growing when the schedule ends (docs/images.md).
  TORCH_ARG(double, label_lr) = 1.0;
  /// Decay of the exponential moving average of the weights used for measurement (default 0.999).
  TORCH_ARG(double, ema_decay) = 0.999;
  /// Seed of initialisation, batches, times and noise (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
  /// Write RUN/checkpoint.pt every this many steps, and at the end (default 1000).
  TORCH_ARG(int64_t, checkpoint_every) = 1000;
  /// Append to RUN/train_log.jsonl every this many steps (default 100).
  TORCH_ARG(int64_t, log_every) = 100;
  /// Fraction of the rows held out of training, drawn with the seed (default 0: none). At every
  /// checkpoint the EMA network's denoising loss on them is logged, on the same draws of (s, ε) each
  /// time, so that successive values differ by the network alone; the run ends holding the weights of
  /// the checkpoint with the lowest held-out loss.
  TORCH_ARG(double, holdout) = 0.0;
  /// With holdout: stop once this many checkpoints in a row have not lowered the held-out loss
  /// (default 0: train every step).
  TORCH_ARG(int64_t, patience) = 0;
  /// With patience: when it is spent, the learning rate anneals (cosine) from where it is to lr · lr_final
  /// over this many steps and the run ends there, on its best checkpoint (default 0: it ends at once).
  /// A plateau at a high learning rate is not yet the network's best (docs/held_out.md).
  TORCH_ARG(int64_t, cooldown) = 0;
  /// With holdout: what judges the checkpoints. "loss": the held-out denoising loss; "information": a
  /// conditional run's held-out MMSE gap (train/holdout.h); "auto" (default): information for a run
  /// conditioned on vectors or labels with a null branch, the loss otherwise.
  TORCH_ARG(std::string, stop_on) = "auto";
  /// Arithmetic of the forward passes of training: "float32" (default) or "bfloat16" (autocast, train/precision.h).
  /// The weights, the optimiser, the EMA and every measurement stay float32.
  TORCH_ARG(std::string, precision) = "float32";
  /// Member of an ensemble (train --ensemble, train/ensemble.h): 0 (default) is the run itself; a member k >= 1
  /// trains on a bootstrap resample of the run's training rows, with a seed of its own for initialisation,
  /// batches, times and noise, and holds out the run's own rows.
  TORCH_ARG(int64_t, member) = 0;
};

/// Refuses options no run can have, each in one line naming the option: steps in 1…kMaxSteps,
/// batch_size in 1…kMaxBatch, finite lr > 0, warmup >= 0, lr_final in [0, 1], ema_decay in [0, 1), …
void check_train_options(const TrainOptions& o);
/// Limits that keep a typo from running for ever or filling the memory before any error.
constexpr int64_t kMaxSteps = 1'000'000'000;
constexpr int64_t kMaxBatch = 1 << 20;
constexpr int64_t kMaxMembers = 1000;

/// Default optimiser steps of a conditional or joint run (train --cond, --labels, --joint): MINDE reads
/// the difference of two learned residuals, and their errors add to it. On the 25×15 joint Gaussian,
/// 10000 steps read +1.5 % and 30000 steps +0.8 % (3 seeds each, docs/mutual_information.md).
constexpr int64_t kConditionalSteps = 30000;

/// What a new run of `diffinfo train` holds out unless told (docs/held_out.md): a tenth of its rows, at
/// least min(kMinHoldoutRows, N / 4); once kDefaultPatience checkpoints in a row have not lowered the
/// held-out loss, the learning rate anneals over kDefaultCooldown steps and the run ends on its best checkpoint. On a 20 × 20 Gaussian trained on every row, MINDE read +329 %; held out and
/// stopped, within the benchmark's factor (docs/held_out.md has the table).
constexpr double kDefaultHoldout = 0.1;
constexpr int64_t kDefaultPatience = 5;
constexpr int64_t kDefaultCooldown = 3000;
constexpr int64_t kMinHoldoutRows = 1000;

struct RunConfig {
  nlohmann::json process;     ///< ForwardProcess::config()
  NetworkOptions model{1};        ///< network shape; model.dim() is the data dimension
  std::string output = "entropy";
  ObjectiveOptions objective;
  TrainOptions train;
  std::string data_path;      ///< absolute path of the training data
  int64_t data_rows = 0;
  double data_var = 1.0;      ///< mean per-coordinate variance of the training data (of X for "joint")
  /// Conditioning (Kelly gamblers §4; condition.h): none, vectors (model.cond_dim() columns), labels
  /// (model.classes()), the per-coordinate marginals of data_path's columns (labelled by index), or joint
  /// diffusion of Z = [X, Y] (X from data_path, Y from cond_path; score_model.h).
  CondKind cond_kind = CondKind::kNone;
  std::string cond_path;      ///< absolute path of the conditioning data
  double cond_var = 1.0;      ///< mean per-column variance of conditioning vectors (of Y for "joint")
  int64_t joint_split = 0;    ///< "joint": D_X, the columns of data_path (model.dim() = D_X + D_Y)
  /// Absolute path of the run whose weights this one started from (train --init), or empty: a fine-tune
  /// under another objective or schedule. Its process, network and data width are this run's.
  std::string init_run;
  /// Ranks of a data-parallel run (docs/distributed.md), 1 for one process: it resumes only with as many.
  int64_t ranks = 1;

  /// True when the network takes a condition.
  bool conditional() const { return cond_kind != CondKind::kNone; }
  /// Columns of the data in data_path: D, or D_X of a joint run, or the coordinates of a marginals run.
  int64_t data_columns() const {
    return cond_kind == CondKind::kCoordinates ? model.classes() : cond_kind == CondKind::kJoint ? joint_split : model.dim();
  }

  nlohmann::json to_json() const;
  /// Throws naming `where` when a field is missing or malformed.
  static RunConfig from_json(const nlohmann::json& j, const std::string& where);
};

/// The EMA model of a finished or interrupted run, ready to measure.
struct LoadedRun {
  RunConfig config;
  std::shared_ptr<const ForwardProcess> process;
  std::shared_ptr<ScoreModel> model;
  int64_t step = 0;
};

/// Reads RUN/config.json; a missing or malformed file throws naming it.
RunConfig read_run_config(const std::string& run_dir);

/// Reads RUN/config.json and RUN/checkpoint.pt; a missing, corrupt or foreign checkpoint throws.
LoadedRun load_run(const std::string& run_dir, const torch::Device& device);

/// Path of a file inside a run directory.
std::string run_file(const std::string& run_dir, const std::string& name);

}  // namespace diffinfo
