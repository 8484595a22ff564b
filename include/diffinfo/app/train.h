#pragma once
// `diffinfo train`: a run directory from a request — its configuration assembled from the options
// given (or read back on --resume, or taken from the --init run), its data loaded and stacked for the
// kind of model (plain, conditional, joint, per-coordinate), checked against the run it continues, then
// trained (train/trainer.h).
//
//   diffinfo::app::TrainRequest r;  r.data = "x.npy";  r.out = "runs/a";
//   auto report = diffinfo::app::run_train(r, {});
#include "diffinfo/app/network_choice.h"
#include "diffinfo/app/report.h"
#include "diffinfo/process.h"
#include "diffinfo/train/trainer.h"

#include <optional>
#include <string>
#include <vector>

namespace diffinfo::app {

struct TrainRequest {
  std::string data;                 ///< training data [N, D]; on --resume, a new path for the same data
  std::string cond, labels, joint;  ///< conditioning: vectors, labels, or Y of a joint model
  bool marginals = false;           ///< the per-coordinate marginal models for 'tc'
  std::string init;                 ///< start from this run's weights (a fine-tune)
  std::string out;                  ///< the run directory
  bool resume = false;
  std::string process = "vp", output = "entropy", device = "cpu";
  ProcessOptions proc;
  NetworkChoice net;
  ObjectiveOptions objective;
  /// train.steps() counts only when `steps_given`; a new run holds rows out and stops on them by default
  /// (kDefaultHoldout, kDefaultPatience, kDefaultCooldown; docs/held_out.md).
  TrainOptions train = TrainOptions().holdout(kDefaultHoldout).patience(kDefaultPatience).cooldown(kDefaultCooldown);
  bool steps_given = false;         ///< else the default for the kind of run (kConditionalSteps when conditioned)
  /// The flags given that fix what the network computes (process, output, network: "--width" …): a
  /// fine-tune takes them from its --init run, and a resumed run keeps them.
  std::vector<std::string> shape_given;
  /// The other flags given that a resumed run keeps (objective, schedule, seed …).
  std::vector<std::string> fixed_given;
  /// Networks in the run's ensemble (train/ensemble.h): after the run itself, members 1 … ensemble − 1 in
  /// RUN/ensemble/k, each on a bootstrap resample of the training rows. On --resume the members already
  /// there go on too, and a larger value adds members. 1: the run alone.
  int64_t ensemble = 1;
  /// The ranks training together (docs/distributed.md); `train.batch_size()` is the global batch.
  dist::Group group;
};

/// A run's configuration and the rows it trains on, as `run_train` would train them.
struct PreparedRun {
  RunConfig config;
  TrainData data;
  int64_t recorded_steps = 0;  ///< on --resume: the steps config.json held before this request
  std::vector<std::string> warnings;  ///< about the data (heavy tails: data/scale.h)
};
/// Assembles and checks the configuration and loads the data; nothing is written.
PreparedRun prepare_run(const TrainRequest& request);

/// Prepares, trains (or resumes) and reports what was done.
Report run_train(const TrainRequest& request, const TrainCallbacks& callbacks);

/// Trains a run of `config` on `data` into `dir` (the data's rows and variance are filled in here),
/// resuming the run there when it has a checkpoint; a finished run returns at once
/// (TrainResult::was_complete). What the studies and the demo train their models with.
TrainResult train_or_resume(RunConfig config, const TrainData& data, const std::string& dir, const torch::Device& device,
                            const TrainCallbacks& callbacks);

/// Mean per-column variance of [N, D] rows, at least 1e-12 (a collapsed DAE latent is constant).
double mean_variance(const torch::Tensor& x);

}  // namespace diffinfo::app
