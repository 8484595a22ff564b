// Kelly betting: the side-information gain equals I(X; Y).
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

}  // namespace
}  // namespace diffinfo
