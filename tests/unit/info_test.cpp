// Information-theory primitives against closed forms and seed 002's worked numbers.
#include "diffinfo/info/discrete.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/info/kelly.h"
#include "diffinfo/info/monte_carlo.h"
#include "diffinfo/info/regression.h"
#include "diffinfo/random.h"
#include "support.h"

#include <cmath>

namespace diffinfo {
namespace {

using test::within_stderr;

TEST(Discrete, WorkedNumbersOfSeed002) {
  EXPECT_NEAR(entropy(torch::tensor({0.5, 0.5}), Units::kBits), 1.0, 1e-12);
  EXPECT_NEAR(entropy(torch::tensor({0.9, 0.1}), Units::kBits), 0.4690, 5e-5);
  EXPECT_NEAR(entropy(torch::tensor({1.0, 0.0})), 0.0, 1e-15);
  EXPECT_NEAR(entropy(torch::full({10}, 0.1)), std::log(10.0), 1e-6);
}

TEST(Discrete, CrossEntropyIsEntropyPlusKl) {
  auto p = torch::tensor({0.2, 0.5, 0.3}, torch::kFloat64), q = torch::tensor({0.4, 0.4, 0.2}, torch::kFloat64);
  EXPECT_NEAR(cross_entropy(p, q), entropy(p) + kl_divergence(p, q), 1e-12);
  EXPECT_NEAR(kl_divergence(p, p), 0.0, 1e-15);
  EXPECT_TRUE(std::isinf(kl_divergence(p, torch::tensor({0.5, 0.5, 0.0}, torch::kFloat64))));
  EXPECT_THROW(entropy(torch::tensor({0.5, 0.6})), c10::Error);
}

TEST(Discrete, MutualInformationLimits) {
  auto px = torch::tensor({0.3, 0.7}, torch::kFloat64), py = torch::tensor({0.1, 0.5, 0.4}, torch::kFloat64);
  EXPECT_NEAR(mutual_information(px.unsqueeze(1) * py.unsqueeze(0)), 0.0, 1e-12);  // independent
  EXPECT_NEAR(mutual_information(torch::diag(px)), entropy(px), 1e-12);            // Y = X
  EXPECT_NEAR(mutual_information(torch::diag(px), Units::kBits), entropy(px) / std::log(2.0), 1e-12);
}

TEST(GaussianInfo, KlOfSeed002) {
  // KL(N(0,1)‖N(1,4)) = ln 2 + (1 + 1)/8 − ½.
  EXPECT_NEAR(gaussian_kl(0.0, 1.0, 1.0, 4.0), std::log(2.0) + 0.25 - 0.5, 1e-14);
  auto m0 = torch::zeros({1}, torch::kFloat64), m1 = torch::ones({1}, torch::kFloat64);
  EXPECT_NEAR(gaussian_kl(m0, torch::eye(1, torch::kFloat64), m1, 4 * torch::eye(1, torch::kFloat64)),
              gaussian_kl(0.0, 1.0, 1.0, 4.0), 1e-12);
}

TEST(GaussianInfo, MonteCarloKlAgreesWithTheClosedForm) {
  auto gen = make_generator(1);
  auto log_normal = [](double m, double v) {
    return [m, v](const torch::Tensor& x) {
      return (-0.5 * (x - m).pow(2) / v - 0.5 * std::log(2 * M_PI * v)).sum(1);
    };
  };
  auto sample = [](int64_t n, torch::Generator& g) { return torch::randn({n, 1}, g, torch::kFloat64); };
  auto kl = monte_carlo_kl(sample, log_normal(0, 1), log_normal(1, 4), 200000, gen);
  EXPECT_TRUE(within_stderr(kl.value, gaussian_kl(0.0, 1.0, 1.0, 4.0), kl.std_error));
}

TEST(GaussianInfo, MutualInformationAndEntropy) {
  // Bivariate normal ρ = 0.75: I = −½ ln(1 − ρ²) = 0.4133 (the BMI benchmark's value).
  auto c = torch::tensor({{1.0, 0.75}, {0.75, 1.0}}, torch::kFloat64);
  EXPECT_NEAR(gaussian_mutual_information(c, 1), 0.4133, 5e-5);
  EXPECT_NEAR(gaussian_total_correlation(c), gaussian_mutual_information(c, 1), 1e-12);
  EXPECT_NEAR(gaussian_entropy(torch::eye(3, torch::kFloat64) * 2.0), 1.5 * std::log(2 * M_PI * M_E * 2.0), 1e-12);
  EXPECT_THROW(gaussian_entropy(torch::tensor({{1.0, 2.0}, {2.0, 1.0}}, torch::kFloat64)), c10::Error);
}

TEST(Kelly, SideInformationGainEqualsMutualInformation) {
  // Seed 003 §2: betting p(x|y) instead of p(x) gains I(X; Y) per race.
  auto joint = torch::tensor({{0.30, 0.05}, {0.05, 0.20}, {0.10, 0.30}}, torch::kFloat64);
  auto odds = torch::tensor({3.0, 4.0, 2.5}, torch::kFloat64);
  auto gen = make_generator(2);
  auto r = simulate_kelly(joint, odds, 400000, gen);
  EXPECT_NEAR(r.exact_gain, mutual_information(joint), 1e-15);
  EXPECT_TRUE(within_stderr(r.gain.value, r.exact_gain, r.gain.std_error));
  EXPECT_TRUE(within_stderr(r.rate_without.value, r.exact_without, r.rate_without.std_error));
  auto px = joint.sum(1);
  EXPECT_NEAR(doubling_rate(px, px, odds), (px * (odds * px).log()).sum().item<double>(), 1e-14);
  // Proportional betting is optimal: any other bet grows slower.
  EXPECT_LT(doubling_rate(px, torch::full({3}, 1.0 / 3, torch::kFloat64), odds), doubling_rate(px, px, odds));
}

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
  EXPECT_THROW(fit_line({1, 1, 1}, {1, 2, 3}), c10::Error);
  EXPECT_THROW(fit_line({1, 2}, {1, 2}), c10::Error);
}

}  // namespace
}  // namespace diffinfo
