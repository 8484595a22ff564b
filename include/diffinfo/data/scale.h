#pragma once
// The scale a network's input is divided by (score_model.h): the mean per-column variance, unless heavy
// tails make it meaningless. Student-t data with 1 or 2 degrees of freedom have no finite variance, and
// their sample variance is set by a few extreme rows: dividing by it squeezes the bulk of the data to
// nothing. Such tails are told by the sample variance exceeding that of the data clamped to their 1 % and
// 99 % quantiles (winsorized) several times; there the scale is that of a normal law with the data's
// interquartile range, (IQR / 1.349)², which the tails do not move.
#include <torch/types.h>

namespace diffinfo {

struct DataScale {
  double variance = 1.0;     ///< what the network's input is scaled by (mean over columns)
  double sample = 1.0;       ///< the plain sample variance (mean over columns)
  double winsorized = 1.0;   ///< the variance after clamping each column to its 1 % and 99 % quantiles
  double quartile = 1.0;     ///< (IQR / 1.349)², mean over columns: the variance of a normal law of that IQR
  bool heavy_tailed = false; ///< sample > kHeavyTailRatio × winsorized (and quartile > 0): variance is quartile
};

/// A Gaussian loses 4 % of its variance to this winsorizing and Student-t with 3 degrees of freedom
/// about a third; Cauchy data of 10⁴ rows typically 99.9 %. Student-t with 2 degrees of freedom sits
/// near the ratio (its sample variance grows like ln N), where either scale serves. Bounded data
/// (images) stay near 1.
constexpr double kHeavyTailRatio = 4.0;

/// x: [N, D] with N ≥ 2; the clamped and quartile statistics from at most 16384 evenly strided rows.
DataScale data_scale(const torch::Tensor& x);

}  // namespace diffinfo
