// Discrete entropy, cross-entropy, KL and MI against closed forms and worked numbers.
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
  EXPECT_THROWS_WITH(entropy(torch::tensor({0.5, 0.6})), "p must sum to 1, got 1.1");
}

TEST(Discrete, MutualInformationLimits) {
  auto px = torch::tensor({0.3, 0.7}, torch::kFloat64), py = torch::tensor({0.1, 0.5, 0.4}, torch::kFloat64);
  EXPECT_NEAR(mutual_information(px.unsqueeze(1) * py.unsqueeze(0)), 0.0, 1e-12);  // independent
  EXPECT_NEAR(mutual_information(torch::diag(px)), entropy(px), 1e-12);            // Y = X
  EXPECT_NEAR(mutual_information(torch::diag(px), Units::kBits), entropy(px) / std::log(2.0), 1e-12);
}

}  // namespace
}  // namespace diffinfo
