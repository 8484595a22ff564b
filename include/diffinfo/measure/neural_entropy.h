#pragma once
// Neural entropy S_NN = ∫ σ(s)²/2 · E‖e_θ(x_s, s)‖² ds (Neural Entropy, arXiv 2409.03817; Kelly gamblers Eqs. 4, 7, 12)
// and its entropy-rate curve. The time axis is cut into `points` strata of equal mass
// under the time sampler; each stratum gets `samples_per_point` fresh (s, x0, ε) draws.
// Stratified importance sampling is unbiased and its stderr comes from the within-stratum
// variances: se² = Σ_k var_k / (n K²). The rate of stratum k is its integral over its width.
// Any residual callable works: a trained network, or the exact ∇log p_s − ∇log p_eq
// (then the same code estimates S_tot, with common random numbers when seeds agree).
//
//   diffinfo::EntropyProfile p = diffinfo::neural_entropy(*process, residual, data, {});
//   p.total.value, p.total.std_error;   p.curve[k].rate, p.curve[k].cumulative
#include "diffinfo/callables.h"
#include "diffinfo/dist/group.h"
#include "diffinfo/estimate.h"
#include "diffinfo/process.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace diffinfo {

/// [B, D] x_s, [B, 1] s, [B] int64 data rows behind x_s -> [B, M] integrands (squared norms),
/// one column per quantity.
using IntegrandFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&)>;

struct EntropyOptions {
  /// Strata (grid points) on the time axis (default 100, as the authors' MLP runs).
  TORCH_ARG(int64_t, points) = 100;
  /// Fresh (s, x0, ε) draws per stratum, at least 2 (default 2048).
  TORCH_ARG(int64_t, samples_per_point) = 2048;
  /// "importance" | "uniform": the law that defines the strata (default "importance").
  TORCH_ARG(std::string, time_sampling) = "importance";
  /// Lower end of the integral (default 1e-5).
  TORCH_ARG(double, s_min) = 1e-5;
  /// Seed of the draws (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
  /// Network evaluations per forward pass (default 2048: on a CPU the MLP's activations of a pass then stay
  /// in cache, 10–25 % faster than 8192 at widths 256 and 512; docs/performance.md).
  TORCH_ARG(int64_t, batch_size) = 2048;
  /// The ranks that share the forward passes, batch by batch, round-robin (default: one process). Every
  /// rank returns the single-process result on the same draws, to rounding (docs/distributed.md).
  TORCH_ARG(dist::Group, group) = {};
};

struct RatePoint {
  double s_lo, s_hi;    ///< the stratum
  double s;             ///< its median time
  Estimate rate;        ///< mean entropy rate over the stratum, nats per unit s
  Estimate cumulative;  ///< ∫_{s_min}^{s_hi} rate, nats
};

/// A curve's mean gain per e-fold of s over its lowest strata (EntropyProfile::gain_per_efold).
struct EfoldGain {
  Estimate per_efold;  ///< ∫_{s_lo}^{s_hi} rate ds / ln(s_hi / s_lo), nats per e-fold
  double s_lo = 0;     ///< s_min
  double s_hi = 0;     ///< the last stratum edge at or below the asked end (at least the first stratum's)
};

struct EntropyProfile {
  Estimate total;  ///< ∫_{s_min}^{T} rate, nats
  /// neural_entropy() only: the same integral in its denoising form ∫ σ²/2 E[2 e_θ·r − ‖e_θ‖²] (r the
  /// kernel's residual), which equals S_tot − ∫ σ²/2 E‖e − e_θ‖²: below S_tot by the network's squared
  /// error alone, where S_NN also moves with its first-order error (docs/math.md §3).
  Estimate denoising;
  /// The rows' sampling errors of `denoising` and `gap` (as rows_stderr is of `total`).
  double denoising_rows_stderr = 0, gap_rows_stderr = 0;
  /// denoising − total on the same draws (paired stderr): ∫ σ² E[e_θ·(e − e_θ)], zero for the exact residual.
  Estimate gap;
  /// The error that the finite set of data rows adds to `total` as an estimate for the rows' law, nats:
  /// √(Var_r h(r) / N) for N rows, h(r) a row's own integral, Var_r from pairs of draws on one row
  /// (docs/uncertainty.md). Not in `total.std_error`, which holds the rows fixed.
  double rows_stderr = 0;
  /// `total` with the Monte Carlo and the rows' sampling errors together in its stderr.
  Estimate total_with_rows() const { return {total.value, std::hypot(total.std_error, rows_stderr)}; }
  /// `denoising` with its Monte Carlo and rows' sampling errors together.
  Estimate denoising_with_rows() const { return {denoising.value, std::hypot(denoising.std_error, denoising_rows_stderr)}; }
  double t_max = 1.0;
  std::vector<RatePoint> curve;
  EntropyOptions options;
  /// The estimator's settings, for reports.
  nlohmann::json settings() const;
  /// ∫ from the start of stratum j up to T, nats: e.g. I(X_s; Y) = ∫_s^T rate (Kelly gamblers Eq. 14).
  Estimate above(size_t j) const;
  /// What the curve gains per e-fold of s between s_min and about s_end. For an MI curve with
  /// exact scores it vanishes as s_min → 0: I(X_s; Y) is monotone and bounded by H(Y), and for
  /// X with a density its rate per e-fold falls like s. What a network adds there is its error,
  /// integrated as if it were information (MINDE's residuals are amplified like 1/Σ(s)).
  EfoldGain gain_per_efold(double s_end) const;
};

/// [N, D] data x0 on the model's device -> S_NN with stderr and the rate curve.
EntropyProfile neural_entropy(const ForwardProcess& process, const ResidualFn& residual,
                              const torch::Tensor& data, const EntropyOptions& options);

/// The engine behind every rate integral: ∫ σ²/2 E[f_m(x_s, s)] ds for the M columns of
/// `integrand`, each with stderr and curve, all from the same stratified (s, x0, ε) draws, so
/// differences between columns keep only the variance of the difference.
std::vector<EntropyProfile> integrate_rates(const ForwardProcess& process, const IntegrandFn& integrand,
                                            int64_t columns, const torch::Tensor& data,
                                            const EntropyOptions& options);

}  // namespace diffinfo
