// Gaussian KL, entropy and MI in closed form, and the Monte-Carlo KL against them.
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
  EXPECT_THROWS_WITH(gaussian_entropy(torch::tensor({{1.0, 2.0}, {2.0, 1.0}}, torch::kFloat64)), "linalg.cholesky: The factorization could not be completed because the ");
}

}  // namespace
}  // namespace diffinfo
