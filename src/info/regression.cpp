#include "diffinfo/info/regression.h"

#include <cmath>

namespace diffinfo {

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t k = x.size();
  TORCH_CHECK(k == y.size() && k >= 3, "a line fit needs k >= 3 points with one y per x, got ", x.size(), " x and ",
              y.size(), " y");
  double mx = 0, my = 0;
  for (size_t i = 0; i < k; ++i) mx += x[i] / k, my += y[i] / k;
  double sxx = 0, sxy = 0, syy = 0;
  for (size_t i = 0; i < k; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  TORCH_CHECK(sxx > 0, "a line fit needs at least two distinct x");
  LineFit f;
  const double b = sxy / sxx, a = my - b * mx;
  double rss = 0;
  for (size_t i = 0; i < k; ++i) {
    f.residuals.push_back(y[i] - (a + b * x[i]));
    rss += f.residuals.back() * f.residuals.back();
  }
  const double var = rss / static_cast<double>(k - 2);
  f.slope = {b, std::sqrt(var / sxx)};
  f.intercept = {a, std::sqrt(var * (1.0 / k + mx * mx / sxx))};
  f.r_squared = syy > 0 ? 1.0 - rss / syy : 1.0;
  return f;
}

}  // namespace diffinfo
