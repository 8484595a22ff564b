#pragma once
// Distributions of diffusion time s on [s_min, T], shared by training and measurement.
//
// "importance" draws s with density ∝ σ²(s)/Σ(s) (MINDE's choice, docs/math.md §2): with the
// likelihood weighting λ = σ²/2 the weight λ/p is ∝ Σ(s), so the objective keeps its
// meaning and loses the huge variance of uniform s near s = 0. The density is
// tabulated on a fine grid and the sampler is exactly the piecewise-uniform law of
// that table, so the density it reports is the one it samples from (no bias).
// "uniform" is the one-cell case of the same table.
//
//   diffinfo::TimeSampler times(*process, "importance", 1e-5);
//   auto [s, pdf] = times.map(u);     // u ~ U[0,1) [B] -> s [B, 1], p(s) [B, 1]
#include "diffinfo/process.h"

#include <string>
#include <utility>
#include <vector>

namespace diffinfo {

/// Sorted grid of n + 1 points on [s_min, t_max], geometric towards both ends: it resolves
/// the 1/s density of σ²/Σ near 0 and the 1/(T−s) one of SL near T.
std::vector<double> time_grid(double s_min, double t_max, int n);

/// Trapezoid integral of f over the time_grid(s_min, t_max, n).
double integrate_time(const std::function<double(double)>& f, double s_min, double t_max, int n = 4096);

class TimeSampler {
 public:
  /// kind: "uniform" | "importance"; others throw with the known names.
  TimeSampler(const ForwardProcess& process, const std::string& kind, double s_min, int grid = 4096);

  /// [B] uniforms in [0, 1] (CPU, double) -> {[B, 1] times s, [B, 1] density p(s)}, CPU double.
  std::pair<torch::Tensor, torch::Tensor> map(const torch::Tensor& u) const;
  /// The time at quantile u ∈ [0, 1].
  double quantile(double u) const;

  const std::string& kind() const { return kind_; }
  double s_min() const { return edges_.front(); }
  double t_max() const { return edges_.back(); }

 private:
  std::string kind_;
  std::vector<double> edges_, cdf_;
};

/// The descending times T = s_0 > … > s_steps = s_end of a reverse-time integration (sampling, the label
/// posterior): equally spaced in the quantiles of the importance law p(s) ∝ σ²/Σ, about equal steps of log-SNR.
std::vector<double> reverse_times(const ForwardProcess& process, int64_t steps, double s_end);

/// The known kinds, in order.
std::vector<std::string> time_sampling_names();

}  // namespace diffinfo
