// The scale a network's input is divided by: the variance, but for heavy tails the quartile scale.
// Tolerances are 5 standard errors of the statistic at the sample size used.
#include "diffinfo/data/scale.h"

#include <torch/torch.h>

#include <cmath>
#include "support.h"

namespace diffinfo {
namespace {

// Student-t with integer ν degrees of freedom: z / sqrt(χ²_ν / ν), ν = 1 the Cauchy law.
torch::Tensor student(int64_t n, int64_t d, int nu, torch::Generator& gen) {
  auto z = torch::randn({n, d}, gen, torch::kFloat64);
  auto chi2 = torch::randn({n, d, nu}, gen, torch::kFloat64).pow(2).sum(2);
  return z / (chi2 / nu).sqrt();
}

TEST(DataScale, GaussianDataKeepTheirVariance) {
  auto gen = at::detail::createCPUGenerator(1);
  const auto x = torch::randn({20000, 4}, gen, torch::kFloat64) * 3.0;
  const auto s = data_scale(x);
  EXPECT_FALSE(s.heavy_tailed);
  EXPECT_EQ(s.variance, s.sample);
  EXPECT_NEAR(s.sample, 9.0, 5 * 9.0 * std::sqrt(2.0 / 80000));
  // Clamped at ±2.326σ a normal law keeps (2Φ(a) − 1) − 2aφ(a) + 0.02a² = 0.9641 of its variance.
  EXPECT_NEAR(s.winsorized / s.sample, 0.9641, 0.01);
  EXPECT_NEAR(s.quartile, 9.0, 5 * 9.0 * 0.03);  // (IQR / 1.349)² estimates σ², with ~3 % error at 80000 draws
}

TEST(DataScale, ThreeDegreesOfFreedomAreNotHeavyTails) {
  auto gen = at::detail::createCPUGenerator(2);
  const auto s = data_scale(student(10000, 3, 3, gen));
  EXPECT_FALSE(s.heavy_tailed);  // variance 3, about 1.5 times the winsorized one
  EXPECT_LT(s.sample / s.winsorized, 2.5);
  EXPECT_EQ(s.variance, s.sample);
}

TEST(DataScale, HeavyTailsNeverSetTheScale) {
  // Upper quartiles: Cauchy 1, t₂ √(2/3) (its CDF is 1/2 + x / (2√(2 + x²))); densities there
  // 1 / (2π) and (1 + x²/2)^(−3/2) / (2√2). The sample IQR's standard error is 0.5 / (√N f(q)).
  struct Case { int nu; double q, f; };
  for (const Case c : {Case{1, 1.0, 1.0 / (2 * M_PI)},
                       Case{2, std::sqrt(2.0 / 3.0), std::pow(1 + 1.0 / 3.0, -1.5) / (2 * std::sqrt(2.0))}}) {
    auto gen = at::detail::createCPUGenerator(3 + c.nu);
    const int64_t n = 20000, d = 4;
    const auto s = data_scale(student(n, d, c.nu, gen));
    // Cauchy's sample variance is set by its largest rows; t₂'s grows only like ln N (typically 2 to 5
    // times the winsorized one), harmless to the scale whichever side of the ratio it falls on.
    if (c.nu == 1) EXPECT_TRUE(s.heavy_tailed) << "sample " << s.sample << ", winsorized " << s.winsorized;
    EXPECT_EQ(s.variance, s.heavy_tailed ? s.quartile : s.sample);
    EXPECT_LE(s.variance, kHeavyTailRatio * s.winsorized) << "ν = " << c.nu;
    const double truth = std::pow(2 * c.q / 1.349, 2);
    // The square doubles the IQR's relative error; the mean over d columns divides it by √d.
    const double rel = 2 * (0.5 / (std::sqrt(double(n)) * c.f)) / (2 * c.q) / std::sqrt(double(d));
    EXPECT_NEAR(s.quartile / truth, 1.0, 5 * rel) << "ν = " << c.nu;
  }
}

TEST(DataScale, BoundedAndSparseDataAreNotHeavyTails) {
  // Image-like columns: 70 % zeros, the rest uniform on (0, 1], and a constant column.
  auto gen = at::detail::createCPUGenerator(7);
  auto x = torch::rand({10000, 16}, gen, torch::kFloat64);
  x = x * (torch::rand({10000, 16}, gen, torch::kFloat64) < 0.3).to(torch::kFloat64);
  x.select(1, 0).zero_();
  const auto s = data_scale(x);
  EXPECT_FALSE(s.heavy_tailed);
  EXPECT_EQ(s.variance, s.sample);
  EXPECT_THROW(data_scale(torch::zeros({1, 3})), c10::Error);
}

}  // namespace
}  // namespace diffinfo
