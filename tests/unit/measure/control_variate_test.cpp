// The NLL with a Gaussian control variate: unbiased for E[−ln p], an honest stderr, and much smaller than the
// plain mean's where p is near a Gaussian.
#include "diffinfo/measure/control_variate.h"

#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/analytic/mixture.h"
#include "diffinfo/random.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

// A 3-D law a little off Gaussian: two overlapping components.
GaussianMixture test_law() {
  auto gen = make_generator(41);
  return GaussianMixture(torch::tensor({0.7, 0.3}, torch::kFloat64), torch::randn({2, 3}, gen, torch::kFloat64),
                         torch::eye(3, torch::kFloat64).expand({2, 3, 3}).contiguous());
}

TEST(ControlVariate, HonestAndTighterThanThePlainMean) {
  const auto law = test_law();
  auto gen = make_generator(42);
  // The law's entropy by a large plain Monte Carlo: the truth the estimates aim at.
  const auto big = law.sample(400000, gen);
  const auto h = mean_estimate(-law.log_density(big));
  std::vector<double> values;
  double reported = 0, plain = 0;
  for (int rep = 0; rep < 30; ++rep) {
    const auto all = law.sample(20000, gen);
    const auto measured = all.slice(0, 0, 2000);  // the rows the PF-ODE would measure, among all
    const auto nll_rows = -law.log_density(measured);
    const auto e = nll_with_gaussian_control(nll_rows, measured, all);
    values.push_back(e.value);
    reported += e.std_error / 30;
    plain += mean_estimate(nll_rows).std_error / 30;
  }
  const double mean = torch::tensor(values).mean().item<double>(), spread = torch::tensor(values).std().item<double>();
  EXPECT_TRUE(within_stderr(mean, h.value, std::hypot(spread / std::sqrt(30.0), h.std_error), 4.0, 1e-4)) << mean << " vs " << h.value;
  EXPECT_GT(spread / reported, 0.6);  // 30 draws: the sample sd lies within ±40 % of the truth
  EXPECT_LT(spread / reported, 1.4);
  EXPECT_LT(reported, 0.5 * plain);   // the point of it
}

TEST(ControlVariate, RejectsTooFewRows) {
  const auto x = torch::randn({3, 4}, torch::kFloat64);
  EXPECT_THROWS_WITH(nll_with_gaussian_control(torch::zeros({3}), x, x), "more rows (3) than dimensions + 1 (5)");
}

}  // namespace
}  // namespace diffinfo
