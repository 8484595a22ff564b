#pragma once
// Least-squares line y = a + b x with standard errors from the residuals (k ≥ 3 points), for
// scaling laws such as S_NN against ln N (Neural Entropy, arXiv 2409.03817).
//
//   auto f = diffinfo::fit_line(ln_n, s_nn);   // f.slope.value ± f.slope.std_error
#include "diffinfo/estimate.h"

#include <vector>

namespace diffinfo {

struct LineFit {
  Estimate intercept, slope;     ///< stderrs from the residual variance RSS/(k − 2)
  std::vector<double> residuals; ///< y − (a + b x), one per point
  double r_squared = 0;
};

/// k ≥ 3 points (x not all equal) -> the ordinary least-squares line.
LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace diffinfo
