#pragma once
// An ensemble of one run (docs/uncertainty.md, "The ensemble"): K networks of the same configuration, the run
// itself and members 1 … K−1, each trained on a bootstrap resample of the run's training rows (Efron 1979:
// rows drawn with replacement, as many as there are) with a seed of its own. Measured on the same rows and
// draws, the members' spread is the error of one network's estimate from its sample of training rows and its
// seed — the part of the error no estimate from a single network shows. Every member holds out the run's
// own rows, so the measurement's held-out rows are unseen by all of them.
//
//   RUN/                  member 0: the run as `diffinfo train` makes it
//   RUN/ensemble/1/ …     members 1 … K−1, each a run directory (run.h) with train.member = k
//
//   auto member = config;  member.train.member(1);
//   diffinfo::train(member, data, diffinfo::member_dir("runs/a", 1), false, torch::kCPU);
//   for (const auto& dir : diffinfo::ensemble_members("runs/a")) ...   // "runs/a/ensemble/1", …
#include "diffinfo/train/run.h"

#include <string>
#include <vector>

namespace diffinfo {

/// The seed a run's initialisation, batches, times and noise draw from: TrainOptions::seed for the run itself,
/// a stream derived from it for each member.
uint64_t training_seed(const TrainOptions& options);

/// A member's rows: `x` (and `cond`) replaced by a bootstrap resample of their rows, drawn from the member's
/// own stream; a row's `copies` stacked blocks (a joint or per-coordinate run) are drawn together. The run
/// itself (member 0) keeps its rows.
void bootstrap_rows(torch::Tensor& x, torch::Tensor& cond, int64_t copies, const TrainOptions& options);

/// RUN/ensemble/k.
std::string member_dir(const std::string& run_dir, int64_t member);

/// The trained members of the run in `run_dir` (those with a checkpoint), in order of k; empty for a plain run.
std::vector<std::string> ensemble_members(const std::string& run_dir);

}  // namespace diffinfo
