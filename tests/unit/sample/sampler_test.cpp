// Samplers with the exact score reproduce the law; conditional and guided draws; the time grid.
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/random.h"
#include "diffinfo/sample/sampler.h"
#include "support.h"

namespace diffinfo {
namespace {

GaussianData law2d() {
  return GaussianData(torch::tensor({0.5, -0.3}, torch::kFloat64), torch::tensor({{0.6, 0.25}, {0.25, 0.2}}, torch::kFloat64));
}

class SamplerTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(SamplerTest, ExactScoreReproducesTheLaw) {
  const auto [name, method] = GetParam();
  auto p = make_process(name);
  const auto law = law2d().as_mixture();
  const ConditionalScoreFn score = [&](const torch::Tensor& x, const torch::Tensor& s, const Condition&) {
    return law.score(*p, x, s);
  };
  const int64_t n = 20000;
  auto x = sample(*p, score, {}, n, 2, SamplerOptions().method(method).steps(200).seed(1), torch::kCPU).to(torch::kFloat64);
  auto mean = x.mean(0), cov = torch::cov(x.t());
  // Stderr of a mean: sqrt(C_ii / n); of a covariance entry: sqrt((C_ii C_jj + C_ij²) / n).
  const auto c = law2d().cov();
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(test::within_stderr(mean[i].item<double>(), law2d().mean()[i].item<double>(),
                                    std::sqrt(c[i][i].item<double>() / n), 4.0, 0.01)) << i;
    for (int j = 0; j < 2; ++j) {
      const double cij = c[i][j].item<double>();
      const double se = std::sqrt((c[i][i].item<double>() * c[j][j].item<double>() + cij * cij) / n);
      EXPECT_TRUE(test::within_stderr(cov[i][j].item<double>(), cij, se, 4.0, 0.02)) << i << j;
    }
  }
}

TEST(Sampler, ConditionalAndGuidedDraws) {
  // Two well-separated 1-D components; conditional draws land in their component, guidance
  // (scale 3, w = 2) pushes them further from the other one.
  auto p = make_process("vp");
  const GaussianMixture law(torch::ones({2}, torch::kFloat64), torch::tensor({{-1.0}, {1.0}}, torch::kFloat64),
                            torch::full({2, 1, 1}, 0.25, torch::kFloat64));
  const ConditionalScoreFn score = [&](const torch::Tensor& x, const torch::Tensor& s, const Condition& c) {
    return c.is_null() ? law.score(*p, x, s) : law.component_score(*p, x, s, c.value);
  };
  const int64_t n = 4000;
  auto labels = torch::ones({n}, torch::kInt64);
  auto cond = sample(*p, score, labels, n, 1, SamplerOptions().steps(200), torch::kCPU).to(torch::kFloat64);
  EXPECT_TRUE(test::within_stderr(cond.mean().item<double>(), 1.0, std::sqrt(0.25 / n), 4.0, 0.01));
  EXPECT_NEAR(cond.var().item<double>(), 0.25, 4 * 0.25 * std::sqrt(2.0 / n) + 0.01);
  auto guided = sample(*p, score, labels, n, 1, SamplerOptions().steps(200).guidance_scale(3.0), torch::kCPU);
  EXPECT_GT(guided.mean().item<double>(), cond.mean().item<double>() + 0.05);
  EXPECT_EQ(to_json(SamplerOptions().guidance_scale(3.0))["guidance_w"], 2.0);
  // Guidance without a condition, or an unknown method, is refused.
  EXPECT_THROWS_WITH(sample(*p, score, {}, 10, 1, SamplerOptions().guidance_scale(2.0), torch::kCPU), "guidance needs a condition (--cond or --labels); guidance_scale 2 give");
  EXPECT_THROWS_WITH(sample(*p, score, {}, 10, 1, SamplerOptions().method("rk4"), torch::kCPU), "sampler 'rk4' not found; known: sde, ode");
}

TEST(Sampler, TimesDescendFromTToSEnd) {
  auto p = make_process("vp");
  const auto t = sampler_times(*p, SamplerOptions().steps(50).s_end(1e-3));
  ASSERT_EQ(t.size(), 51u);
  EXPECT_DOUBLE_EQ(t.front(), 1.0);
  EXPECT_NEAR(t.back(), 1e-3, 1e-12);
  for (size_t i = 1; i < t.size(); ++i) EXPECT_LT(t[i], t[i - 1]);
}

INSTANTIATE_TEST_SUITE_P(ProcessesAndMethods, SamplerTest,
                         ::testing::Combine(::testing::Values("vp", "ve", "sl"), ::testing::Values("sde", "ode")),
                         test::process_sampler_name);

}  // namespace
}  // namespace diffinfo
