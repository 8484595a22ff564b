#pragma once
// The rows a run holds out of training (docs/held_out.md): a seeded random share of the data, the same on
// every rank and on every resume, recorded in RUN/holdout.npy. Training stops on their loss
// (train/trainer.h) and the measuring commands draw x0 from them, where the network was not trained.
//
//   auto split = diffinfo::holdout_split(0.1, /*seed=*/0, /*rows=*/20000);  // 2000 held out, 18000 trained
//   auto rows = diffinfo::run_holdout("runs/a", config);                    // as the run recorded it
#include "diffinfo/estimate.h"
#include "diffinfo/train/objective.h"
#include "diffinfo/train/run.h"

#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace diffinfo {

/// Rows held out of n for a fraction f > 0: round(f · n), at least min(kMinHoldoutRows, n / 4); 0 for f = 0.
/// Throws naming the fraction when that leaves no row on one side.
int64_t held_out_count(double fraction, int64_t n);

/// Row indices into the data (of one block: a joint or per-coordinate run stacks n rows several times).
struct HoldoutSplit {
  torch::Tensor held_out;  ///< [M] int64, in the order drawn
  torch::Tensor trained;   ///< [n − M] int64, in the order drawn
};
/// The split of n rows that a run with this fraction and seed makes: a permutation drawn from the seed's
/// own stream, its first held_out_count(fraction, n) rows held out.
HoldoutSplit holdout_split(double fraction, uint64_t seed, int64_t n);

/// The split of the run in `run_dir`: RUN/holdout.npy, or for a run written before that file the split its
/// configuration implies; nullopt when the run holds no row out (--holdout 0, or older runs). A record
/// that does not fit config.data_rows throws naming the file.
std::optional<HoldoutSplit> run_holdout(const std::string& run_dir, const RunConfig& config);
/// Writes the held-out rows to RUN/holdout.npy, atomically.
void write_holdout(const std::string& run_dir, const HoldoutSplit& split);

/// The held-out loss of a training run (TrainOptions::holdout): the EMA network's denoising loss on the
/// held-out rows at every checkpoint, on the same draws of (s, ε) each time so that successive values
/// differ by the network alone. Each checkpoint is judged against the lowest so far on the same rows
/// (paired): "lowest", "level" (not above it by 2 paired stderrs) or "worse". A run conditioned on vectors
/// or labels also logs the information its branches read, null minus conditional loss on the same draws
/// (the MMSE gap), on the held-out rows and on as many rows trained on; a checkpoint whose held-out
/// information fell below the kept one's by 2 paired stderrs while its in-sample information did not fall
/// is worse too ("memorising"): the conditional branch learns the training pairs while the loss, still
/// learning the shape both branches share, goes on falling (docs/held_out.md). The run keeps the latest
/// checkpoint that is not worse (RUN/best.pt until the run ends): on a plateau that is the one trained
/// longest, at the lowest learning rate. Patience counts worse checkpoints in a row.
class HoldoutMonitor {
 public:
  /// Only a run's writer (rank 0) moves files; every rank evaluates, so all decide alike when to stop.
  HoldoutMonitor(const TrainOptions& options, const std::string& run_dir, bool writer);

  bool on() const { return o_.holdout() > 0; }
  /// Splits x (and cond) in place into the rows trained on and the held-out ones; `copies` stacked copies
  /// of each row (a joint run's three blocks, a per-coordinate run's D) go to the same side. An ensemble
  /// member then trains on a bootstrap resample of the rows trained on (train/ensemble.h), held out or not. With
  /// `information` (a run conditioned on vectors or labels, with a null branch) the memorisation verdict
  /// joins the loss's.
  void split(torch::Tensor& x, torch::Tensor& cond, int64_t copies, bool information = false);
  /// The writer records the split in RUN/holdout.npy (the directory must exist).
  void write_record() const;
  /// On resume: the best held-out loss logged up to the checkpoint's `step`; true when the run stopped there.
  bool resume(int64_t step);
  bool evaluated_at(int64_t step) const { return last_step_ == step; }
  /// The EMA model's loss on the held-out rows at `step`, logged; `save` writes the weights when they are
  /// the best so far. True when the run should stop (patience spent).
  bool evaluate(const DenoisingObjective& objective, const ScoreModel& ema_model, int64_t step, std::ostream& log,
                const std::function<void(const std::string&)>& save);
  /// The step whose spent patience started the cool-down (TrainOptions::cooldown), 0 before; read back on resume.
  int64_t cooldown_from() const { return cooldown_from_; }
  /// The run's last step: TrainOptions::steps, or the cool-down's end once it has started.
  int64_t last_step() const;
  /// Patience was spent at `step`: true when the run ends now (no cool-down, or the cool-down's end);
  /// otherwise the cool-down starts there (logged) and the run goes on to last_step().
  bool end_on_patience(int64_t step, std::ostream& log);
  /// Ends the run on the best weights: RUN/best.pt replaces `ckpt` unless they are the same step's.
  void finish(const std::string& ckpt, int64_t last_step, bool stopped, std::ostream& log);

  int64_t best_step() const { return best_step_; }
  Estimate best() const { return best_; }
  /// A run judged by its information: the held-out MMSE gap at best_step(), nats.
  std::optional<Estimate> best_information() const {
    return best_information_ ? std::optional<Estimate>(best_information_->held_out) : std::nullopt;
  }

 private:
  // Each held-out row's loss (a conditional run's: its conditional branch's), averaged over the row's fixed
  // draws; with the information verdict also each row's information (null − conditional loss) and that of
  // as many rows trained on.
  struct Rows {
    torch::Tensor loss, information, in_sample;
  };
  struct Information {
    Estimate held_out;
    double in_sample = 0;
  };
  Rows held_out_rows(const DenoisingObjective& objective, const ScoreModel& ema_model) const;
  // True when the held-out information fell below the kept checkpoint's (paired) while the in-sample one
  // did not; adds the paired difference to `line`.
  bool memorising(const Rows& rows, nlohmann::json& line);
  void record(int64_t step, Estimate loss, std::optional<Information> information, const std::string& verdict);

  const TrainOptions& o_;
  std::string run_dir_, best_path_, log_path_, lowest_path_, kept_path_;
  bool writer_, information_ = false;
  torch::Tensor x_, cond_, lowest_rows_;  // lowest_rows_: the lowest checkpoint's per-row losses
  torch::Tensor x_in_, cond_in_, kept_information_;  // trained rows for the in-sample information; the kept one's rows
  HoldoutSplit split_;
  Estimate best_;
  std::optional<Information> best_information_;
  double lowest_ = 0;
  int64_t best_step_ = 0, since_best_ = 0, last_step_ = 0, cooldown_from_ = 0;
};

}  // namespace diffinfo
