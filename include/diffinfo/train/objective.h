#pragma once
// The denoising objective of entropy matching (Kelly gamblers §3, App. B; docs/math.md §2):
// L = E_{s, x0, ε} λ(s)/p(s) ‖∇log p_eq(x_s) + e_θ(x_s, s) + ε/√Σ(s)‖², s ~ p(s).
// weighting "likelihood" (λ = σ²/2, an upper bound on the cross-entropy, Eq. 33) |
// "noise" (λ = Σ, the ε-prediction loss) | "none" (λ = 1).
//
//   diffinfo::DenoisingObjective objective(*process, diffinfo::ObjectiveOptions());
//   auto loss = objective.loss(model, x0_batch, gen);    // scalar
#include "diffinfo/model/score_model.h"
#include "diffinfo/time_sampler.h"

#include <string>
#include <vector>

namespace diffinfo {

struct ObjectiveOptions {
  /// "likelihood" | "noise" | "none" (default "likelihood").
  TORCH_ARG(std::string, weighting) = "likelihood";
  /// "importance" (p ∝ σ²/Σ) | "uniform" (default "importance", docs/math.md §2).
  TORCH_ARG(std::string, time_sampling) = "importance";
  /// Smallest diffusion time; the kernel is singular at 0 (default 1e-5).
  TORCH_ARG(double, s_min) = 1e-5;
  /// Conditional training: probability that a row's condition is replaced by the null token,
  /// so one network learns both e_θ(x, s; y) and e_θ(x, s) (default 0.2).
  TORCH_ARG(double, p_uncond) = 0.2;
  /// Conditional training: weight of the null-consistency term. A row trained on the null condition
  /// is also pulled toward its own condition's output, held fixed: W λ/(pΣ) ‖√Σ (s_θ(x_s) − sg s_θ(x_s | y))‖².
  /// Its minimiser is the posterior mean Σ_y P(y | x_s) s_θ(x_s | y), which is the marginal score when the
  /// conditional ones are exact, so the null output learns the marginal of the model's own conditionals
  /// from a target without the noise ε, and MINDE's null-score gap shrinks (default 0: off).
  TORCH_ARG(double, null_consistency) = 0.0;
};

/// Rows [begin, end) of a batch: one rank's part of a data-parallel step (docs/distributed.md).
/// The default, end < 0, is the whole batch.
struct BatchShare {
  int64_t begin = 0, end = -1;
};

class DenoisingObjective {
 public:
  DenoisingObjective(const ForwardProcess& process, const ObjectiveOptions& options);

  /// [B, D] clean batch, its condition rows (or the null condition) -> scalar loss, the batch mean
  /// of the weighted residual norm. A given condition is dropped row-wise with probability p_uncond;
  /// with null_consistency > 0, the dropped rows add that term. With a `share`, every draw is made for
  /// the whole batch (so the draws do not depend on how it is shared) and the network sees only the
  /// share's rows: the loss is their sum over the whole batch's size, and the shares' losses add up to
  /// the batch's.
  torch::Tensor loss(const ScoreModel& model, const torch::Tensor& x0, torch::Generator& gen,
                     const torch::Tensor& cond = {}, BatchShare share = {}) const;
  /// The same draws as `loss` without the null-consistency term: [B] weighted residual norms, one per
  /// row, whose mean is the denoising loss (a held-out loss, TrainOptions::holdout).
  torch::Tensor row_losses(const ScoreModel& model, const torch::Tensor& x0, torch::Generator& gen,
                           const torch::Tensor& cond = {}) const;
  /// A conditional model's two branches on the same draws of (s, ε) (no condition dropped at random):
  /// [B] weighted residual norms with each row's condition and with the null condition. Their difference
  /// (null − conditional) is the MMSE gap, an estimate of I(X; Y) in nats under the likelihood weighting
  /// (docs/math.md §4), whose bias −E‖δ_c‖² + E‖δ_u‖² grows as the conditional branch overfits.
  struct BranchRows {
    torch::Tensor conditional, null;
  };
  BranchRows branch_rows(const ScoreModel& model, const torch::Tensor& x0, torch::Generator& gen,
                         const torch::Tensor& cond) const;
  /// [B, 1] times (CPU, double) -> [B, 1] λ(s).
  torch::Tensor weighting(const torch::Tensor& s) const;

 private:
  struct Draw {
    torch::Tensor s, w, x_s, out, rows;  // [B, 1] times, [B] weights, [B, D] x_s and output, [B] weighted norms
    Condition cond;
  };
  Draw draw(const ScoreModel& model, const torch::Tensor& x0, torch::Generator& gen, const torch::Tensor& cond,
            BatchShare share = {}) const;
  /// The draws of (s, ε, keep) behind `draw`, without the network; `eps` is returned through the out-parameter.
  Draw noise(const torch::Tensor& x0, torch::Generator& gen, const torch::Tensor& cond, BatchShare share,
             torch::Tensor& eps) const;
  /// The network's output and weighted residual norms on d's draws under `cond`.
  void evaluate(const ScoreModel& model, Draw& d, const torch::Tensor& eps) const;

  const ForwardProcess& process_;
  ObjectiveOptions options_;
  TimeSampler times_;
};

/// The known weightings, in order.
std::vector<std::string> weighting_names();

}  // namespace diffinfo
