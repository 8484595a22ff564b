#pragma once
// Training loop: Adam with warm-up and cosine decay, EMA weights, fixed seeds (each step
// draws from its own derived seed, so a resumed run continues exactly as an unbroken one),
// a JSON-lines log and atomic checkpoints.
//
//   auto config = ...;                                   // RunConfig
//   diffinfo::train(config, data, "runs/a", /*resume=*/false, torch::kCPU);
#include "diffinfo/dist/group.h"
#include "diffinfo/estimate.h"
#include "diffinfo/train/run.h"

#include <functional>
#include <optional>

namespace diffinfo {

struct TrainCallbacks {
  /// Called after every step with (step, total steps, loss of that step).
  std::function<void(int64_t, int64_t, double)> progress;
};

/// What a run trains on: [N, D] data (any floating dtype) and, for a conditional run, its
/// condition rows ([N, D_Y] vectors or [N] int64 labels).
struct TrainData {
  TrainData(torch::Tensor x, torch::Tensor cond = {}) : x(std::move(x)), cond(std::move(cond)) {}
  torch::Tensor x, cond;
};

struct TrainResult {
  int64_t start_step = 0;  ///< 0, or the checkpoint's step when resumed
  int64_t init_step = 0;   ///< a new run with RunConfig::init_run: the step of the weights it started from
  int64_t steps = 0;       ///< the last step done
  double final_loss = 0;   ///< mean loss over the last log interval
  double seconds = 0;
  double allreduce_seconds = 0;  ///< of `seconds`, in the gradients' all-reduce (several ranks)
  /// With TrainOptions::holdout: the step whose weights the run ends with (train/holdout.h), its held-out
  /// loss, its held-out information when that judged the run, and whether patience stopped the run
  /// before its last step.
  int64_t best_step = 0;
  Estimate holdout;
  std::optional<Estimate> holdout_information;
  bool stopped = false;
  /// What the caller should print: a damaged checkpoint.pt resumed from checkpoint.prev.pt.
  std::vector<std::string> warnings;
  /// True when the run was already at its last step (or stopped there), so nothing was trained.
  bool was_complete() const { return start_step >= steps; }
};

/// With TrainOptions::holdout, the rows held out are drawn with the seed, the held-out loss is logged at
/// every checkpoint, and RUN/checkpoint.pt ends as the checkpoint with the lowest one.
/// A new run refuses a directory that holds one, and starts from config.init_run's weights when that is set
/// (step 1, a fresh optimiser and schedule); resume continues from RUN/checkpoint.pt with the stored
/// configuration (config.train.steps may grow).
/// With a `group` of several ranks, training is data-parallel (docs/distributed.md): every rank draws the
/// step's global batch of rows, times and noise from the step's seed and runs the network on its share;
/// the gradients are summed in buckets, so every rank holds the same weights after every step and the run
/// is the single-process run with the same batch, to rounding. Rank 0 alone writes the run directory, which
/// every rank must see (a shared file system); a run resumes only with the number of ranks it started with.
TrainResult train(const RunConfig& config, const TrainData& data, const std::string& run_dir,
                  bool resume, const torch::Device& device, const TrainCallbacks& callbacks = {},
                  const dist::Group& group = {});

/// The learning rate at `step` (warm-up, then cosine decay to lr · lr_final). From `cooldown_from` > 0 on,
/// a cosine from the rate there to lr · lr_final over options.cooldown() steps (TrainOptions::cooldown).
double learning_rate(const TrainOptions& options, int64_t step, int64_t cooldown_from = 0);

}  // namespace diffinfo
