// The ODE solvers on equations with known solutions: RK45 to its tolerance, Heun at second order.
#include "diffinfo/measure/ode.h"
#include "support.h"

#include <cmath>

namespace diffinfo {
namespace {

// y' = −s y per row, y(0) = y0: y(s) = y0 exp(−s²/2).
const OdeField kGaussianDecay = [](double s, const torch::Tensor& y) { return -s * y; };

TEST(Ode, Rk45ReachesItsToleranceOnEveryRow) {
  auto y0 = torch::tensor({{1.0, -2.0}, {0.5, 3.0}}, torch::kFloat64);
  const auto r = solve_rk45(kGaussianDecay, y0, 0.0, 2.0, Rk45Options().rtol(1e-8).atol(1e-10));
  const auto exact = y0 * std::exp(-2.0);
  EXPECT_LT((r.y - exact).abs().max().item<double>(), 1e-7);
  EXPECT_GT(r.steps, 3);
}

TEST(Ode, HeunIsSecondOrder) {
  auto y0 = torch::ones({1, 1}, torch::kFloat64);
  auto error = [&](int steps) {
    std::vector<double> times;
    for (int i = 0; i <= steps; ++i) times.push_back(2.0 * i / steps);
    return std::abs(solve_heun(kGaussianDecay, y0, times).y.item<double>() - std::exp(-2.0));
  };
  const double ratio = error(50) / error(100);  // halving the step quarters the error
  EXPECT_NEAR(ratio, 4.0, 0.3);
}

TEST(Ode, GivesUpNamingWhere) {
  const OdeField stiff = [](double, const torch::Tensor& y) { return -1e8 * y; };
  EXPECT_THROWS_WITH(solve_rk45(stiff, torch::ones({1, 1}, torch::kFloat64), 0.0, 1.0, Rk45Options().max_steps(20)),
                     "the probability-flow ODE took more than 20 steps");
  EXPECT_THROWS_WITH(solve_heun(stiff, torch::ones({1, 1}), {0.0}), "Heun needs at least two times");
}

}  // namespace
}  // namespace diffinfo
