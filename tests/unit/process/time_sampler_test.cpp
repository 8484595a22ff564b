// The laws of diffusion time: importance and uniform densities integrate as they should.
#include "diffinfo/estimate.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

class TimeSamplerTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(TimeSamplerTest, ReciprocalDensityIntegratesToTheInterval) {
  // E[1/p(s)] = ∫ ds = T − s_min for any sampler whose reported p is its true law.
  const auto [process_name, kind] = GetParam();
  auto p = make_process(process_name);
  TimeSampler times(*p, kind, 1e-5);
  auto gen = make_generator(11);
  auto [s, pdf] = times.map(torch::rand({200000}, gen, torch::kFloat64));
  EXPECT_GE(s.min().item<double>(), 1e-5);
  EXPECT_LE(s.max().item<double>(), p->t_max());
  auto e = mean_estimate(1.0 / pdf);
  EXPECT_TRUE(within_stderr(e.value, p->t_max() - 1e-5, e.std_error));
}

TEST_P(TimeSamplerTest, WeightedIntegralOfTheRateDensity) {
  // E[f(s)/p(s)] = ∫ f for f = σ²/Σ·(Σ/(1+Σ)), a smooth bounded integrand with a known trapezoid value.
  const auto [process_name, kind] = GetParam();
  auto p = make_process(process_name);
  TimeSampler times(*p, kind, 1e-3);
  auto f = [&](const torch::Tensor& s) { return p->diffusion(s).pow(2) / (1.0 + p->kernel_var(s)); };
  const double exact = integrate_time([&](double s) { return f(torch::tensor(s, torch::kFloat64)).item<double>(); },
                                      1e-3, p->t_max(), 20000);
  auto gen = make_generator(5);
  auto [s, pdf] = times.map(torch::rand({100000}, gen, torch::kFloat64));
  auto e = mean_estimate(f(s) / pdf);
  EXPECT_TRUE(within_stderr(e.value, exact, e.std_error, 4.0, 1e-6 * exact));
}

TEST(TimeSampler, ImportanceDensityIsProportionalToSigmaSquaredOverVariance) {
  auto p = make_process("vp");
  TimeSampler times(*p, "importance", 1e-5);
  auto s = torch::tensor({1e-5 * 1.5, 1e-3, 0.05, 0.5, 0.99}, torch::kFloat64);
  std::vector<double> ratios;
  for (int i = 0; i < s.size(0); ++i) {
    // Find the quantile of s by bisection on quantile().
    double lo = 0, hi = 1;
    for (int it = 0; it < 60; ++it) {
      const double mid = 0.5 * (lo + hi);
      (times.quantile(mid) < s[i].item<double>() ? lo : hi) = mid;
    }
    auto [si, pi] = times.map(torch::tensor({0.5 * (lo + hi)}, torch::kFloat64));
    const double target = (p->diffusion(si).pow(2) / p->kernel_var(si)).item<double>();
    ratios.push_back(pi.item<double>() / target);
  }
  // The sampler's density is constant on each table cell; σ²/Σ varies by up to 0.6 % across one.
  for (double r : ratios) EXPECT_NEAR(r / ratios.front(), 1.0, 1e-2);
}

TEST(TimeSampler, UnknownKindIsAnError) {
  auto p = make_process("vp");
  EXPECT_THROWS_WITH(TimeSampler(*p, "loguniform", 1e-5), "time sampling 'loguniform' not found; known: importance, uniform");
}

INSTANTIATE_TEST_SUITE_P(ProcessesAndKinds, TimeSamplerTest,
                         test::processes_and_time_samplers(), test::process_sampler_name);

}  // namespace
}  // namespace diffinfo
