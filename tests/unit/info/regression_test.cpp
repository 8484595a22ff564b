// The least-squares line and honest stderrs of its slope.
#include "diffinfo/info/discrete.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/info/kelly.h"
#include "diffinfo/info/monte_carlo.h"
#include "diffinfo/info/regression.h"
#include "diffinfo/random.h"
#include <cmath>
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

TEST(Regression, ExactLineAndHonestSlopeStderr) {
  const std::vector<double> x = {0, 1, 2, 3, 4, 5};
  std::vector<double> y;
  for (double v : x) y.push_back(2.5 - 0.75 * v);
  const auto exact = fit_line(x, y);
  EXPECT_NEAR(exact.slope.value, -0.75, 1e-12);
  EXPECT_NEAR(exact.intercept.value, 2.5, 1e-12);
  EXPECT_NEAR(exact.slope.std_error, 0.0, 1e-12);
  EXPECT_NEAR(exact.r_squared, 1.0, 1e-12);
  // Noisy lines: the true slope lies within 2 reported stderr in about 95 % of 400 fits (t with 4 dof: 88 %).
  auto gen = make_generator(3);
  int inside = 0;
  for (int t = 0; t < 400; ++t) {
    auto noise = torch::randn({6}, gen, torch::kFloat64);
    std::vector<double> yn;
    for (size_t i = 0; i < x.size(); ++i) yn.push_back(y[i] + 0.3 * noise[i].item<double>());
    const auto f = fit_line(x, yn);
    inside += std::abs(f.slope.value + 0.75) <= 2 * f.slope.std_error;
  }
  EXPECT_GT(inside, 0.82 * 400);
  EXPECT_LT(inside, 0.94 * 400);
  EXPECT_THROWS_WITH(fit_line({1, 1, 1}, {1, 2, 3}), "a line fit needs at least two distinct x");
  EXPECT_THROWS_WITH(fit_line({1, 2}, {1, 2}), "a line fit needs k >= 3 points with one y per x, got 2 x and 2 y");
}

}  // namespace
}  // namespace diffinfo
