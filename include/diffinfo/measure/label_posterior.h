#pragma once
// Semantic information along generation (Semantic information, arXiv 2506.10433, docs/math.md §6): the posterior over K class labels
// along reverse trajectories. The forward process is Markov, so P(c | x_T … x_s) = P(c | x_s), and
// each Euler–Maruyama step of the reverse SDE is a Gaussian transition whose mean depends on the
// class through its score. Bayes' rule, step by step:
//   log P(c | x_{k+1}) = log P(c | x_k) + log N(x_{k+1}; m_c(x_k), σ²|Δs| I) − log Σ_c' (same),
//   m_c(x) = x + Δs (φ x − σ² s(x, s; c)).
// Trajectories are drawn with the null (unconditional) score, or with one class's. Beside the
// K-class posterior it keeps Semantic information's binary forms: "c vs null" (the unconditional model standing
// in for "not c": log-odds += log N_c − log N_null) and the pairwise "c vs c′" posteriors.
//
// On labelled data (`label_posterior_on_data`) each row is diffused forward to T by the exact
// Gaussian transitions and the path is read back from T: a draw of the true reverse process, so
// P(c | x_s) is the model's posterior on real noisy data, and with the rows' labels y it gives
// the cross-entropy E[−log P(y | x_s)] (I(X_s; C) ≥ H(C) − CE for any posterior, Barber–Agakov).
//
// Along every path it splits MINDE's integrand. Given x_s, with s̄ = Σ_c P(c|x_s) s(x_s|c),
//   E_y ‖s(x|y) − s(x)‖² = Σ_c P(c|x) ‖s(x|c) − s̄‖²  +  ‖s̄ − s(x)‖²,
// the posterior spread of the class scores (the information; its integral ∫_s^T σ²/2 · (·) is
// I(X_s; C) for exact scores) plus the null score's distance from the posterior mean of the class
// scores (zero for exact scores: ∇log p = Σ_c P(c|x) ∇log p(·|c)). A network's independent errors
// δ_c enter the first only as Σ_c P_c(1 − P_c)‖δ‖², which vanishes once the class is decided,
// and MINDE's ‖δ_y − δ_null‖² enters the second whole.
//
//   auto p = diffinfo::label_posterior(*process, score, prior, dim, {}, torch::kCPU);
//   p.entropy[k]   // H(C | X_s) at s = p.s[k] ± stderr over trajectories
//   auto windows = diffinfo::decision_windows(p.s, rates);
#include "diffinfo/estimate.h"
#include "diffinfo/callables.h"
#include "diffinfo/dist/group.h"
#include "diffinfo/process.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <vector>

namespace diffinfo {

struct PosteriorOptions {
  /// Reverse trajectories (default 2000).
  TORCH_ARG(int64_t, trajectories) = 2000;
  /// Euler–Maruyama steps from T down to s_end, equal in log-SNR quantiles like the sampler (default 500).
  TORCH_ARG(int64_t, steps) = 500;
  /// The last time visited (default 1e-3).
  TORCH_ARG(double, s_end) = 1e-3;
  /// Draw trajectories with this class's score; −1 draws them unconditionally (default −1).
  TORCH_ARG(int64_t, generate) = -1;
  /// Seed of the prior draws and the noise (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
  /// Trajectories integrated together (default 2048).
  TORCH_ARG(int64_t, batch_size) = 2048;
  /// dH/ds by differences over ± this many grid points; 0 picks steps/100, at least 1 (default 0).
  /// One step's difference is mostly the step's noise; a window of 1 % of the steps each side
  /// keeps the rate's stderr small without blurring a decision window.
  TORCH_ARG(int64_t, rate_window) = 0;
  /// The ranks that share the trajectories, batch by batch, round-robin (default: one process); each
  /// returns the single-process result, to rounding (docs/distributed.md).
  TORCH_ARG(dist::Group, group) = {};
};

/// The settings, for reports.
nlohmann::json to_json(const PosteriorOptions& options);

/// [B, D] x_s, [B, 1] s -> [B, K] log P(c | x_s) of a known law (an exact reference).
using LogPosteriorFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;

struct PosteriorProfile {
  std::vector<double> s;            ///< the visited times, T = s[0] > … > s.back() = s_end
  double label_entropy = 0;         ///< H(C) of the prior, nats
  std::vector<Estimate> entropy;    ///< H(C | X_s) over trajectories, at each s
  std::vector<Estimate> rate;       ///< dH/ds by differences over ±rate_window points (one-sided at the ends)
  int64_t rate_window = 1;          ///< the window used
  torch::Tensor posterior;          ///< [S, K] mean P(c | x_s)
  torch::Tensor versus_null;        ///< [S, K] mean binary entropy of "c vs null"
  torch::Tensor pairs;              ///< [S, K(K−1)/2] mean binary entropy of c vs c′ (c < c′, row-major)
  /// With an exact reference: its H(C | X_s) on the same trajectory points, its rate, and the
  /// paired difference estimate − exact.
  std::vector<Estimate> exact_entropy, exact_rate, gap;
  /// I(X_s; C) as ∫_s^T σ²/2 Σ_c P(c|x) ‖s(x|c) − s̄‖² (trapezoid per path) and the null's gap
  /// ∫_s^T σ²/2 ‖s̄ − s(x)‖², on every grid point.
  std::vector<Estimate> posterior_information, null_gap;
  /// On labelled paths (data rows, or generation from one class), y the path's label: MINDE's
  /// ∫_s^T σ²/2 ‖s(x|y) − s(x)‖², the cross-entropy E[−log P(y | x_s)] and P(argmax_c P(c|x_s) = y).
  std::vector<Estimate> minde_information, cross_entropy, accuracy;
  /// On data paths, whose rows give the denoising target t = ∇log p(x_s | x_0): the MMSE gaps
  /// (mutual_information.h) ∫_s^T σ²/2 [‖u − t‖² − ‖s(x|y) − t‖²] with u the null score and u = s̄.
  /// They count errors as E‖δ_u‖² − E‖δ_y‖², not E‖δ_y − δ_u‖². Against s̄, whose error is the
  /// posterior mean δ̄ of the class errors, that is −Σ_c P_c ‖δ_c − δ̄‖²: where the spread adds the
  /// class errors' spread, this subtracts it, and both stop once the class is decided.
  std::vector<Estimate> mmse_gap_information, posterior_mmse_gap;

  /// I(X_s; C) = H(C) − H(C | X_s) at index k.
  Estimate information(size_t k) const { return {label_entropy - entropy[k].value, entropy[k].std_error}; }
};

/// Runs the online posterior. `score` takes [B] int64 labels or the null condition; `prior` is
/// [K] class probabilities (e.g. label frequencies); dim is the data dimension.
PosteriorProfile label_posterior(const ForwardProcess& process, const ConditionalScoreFn& score,
                                 const torch::Tensor& prior, int64_t dim, const PosteriorOptions& options,
                                 const torch::Device& device, const LogPosteriorFn& exact = nullptr);

/// The posterior along the time-reversed forward paths of labelled data [N, D] with labels [N]
/// (int64, 0..K−1): one path per row, or `trajectories` rows drawn without replacement (seeded)
/// when N is larger. `generate` does not apply.
PosteriorProfile label_posterior_on_data(const ForwardProcess& process, const ConditionalScoreFn& score,
                                         const torch::Tensor& prior, const torch::Tensor& data,
                                         const torch::Tensor& labels, const PosteriorOptions& options,
                                         const torch::Device& device, const LogPosteriorFn& exact = nullptr);

/// dH/ds of a curve on the grid s (descending or ascending) by differences over ±window points,
/// one-sided at the ends: the rate `label_posterior` reports, for reference curves.
std::vector<double> curve_rate(const std::vector<double>& s, const std::vector<double>& h, int64_t window);

/// A peak of |dH/ds|: where generation decides (Semantic information's "decision window").
struct DecisionWindow {
  double s = 0;      ///< where |rate| peaks (vertex of a parabola fitted to the top 20 % of the peak)
  double width = 0;  ///< full width at half maximum, in s
  double rate = 0;   ///< dH/ds there, nats per unit s
  double information = 0;  ///< ∫ |dH/ds| ds over the half-maximum interval: the nats decided in it
};

/// The peaks of |rate| over the grid `s` (any order), ranked by the information decided in their
/// half-maximum interval, not by peak height (a narrow spike of a noisy finite difference decides
/// little): each a local maximum that no higher point shares a half-maximum interval with (else it
/// is a shoulder of a larger peak), holding at least `min_fraction` of the top window's
/// information, its interval not overlapping a higher-ranked one's; most information first.
std::vector<DecisionWindow> decision_windows(const std::vector<double>& s, const std::vector<double>& rate,
                                             double min_fraction = 0.2);

}  // namespace diffinfo
