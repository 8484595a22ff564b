// Entropy-production rates with the exact score against their closed forms; the VE norm form is 2:1 for any
// score.
#include "diffinfo/measure/likelihood.h"
#include "diffinfo/info/knn_entropy.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/measure/thermodynamics.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"
#include <cmath>
#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using test::within_stderr;
using namespace test;

class ThermodynamicsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ThermodynamicsTest, ExactScoreRatesMatchTheirClosedFormsAndTheBoundIsS0) {
  auto p = make_process(GetParam());
  const auto g = gaussian4();
  const auto law = g.as_mixture();
  auto x = draws(g, 20000, 8);
  const auto opts = EntropyOptions().points(40).samples_per_point(256).seed(2);
  const auto e = entropy_production(*p, exact_score(law, *p), x, opts, {});
  using Rate = double (*)(const GaussianData::Production&);
  const std::vector<std::pair<const EntropyProfile*, Rate>> curves = {
      {&e.intrinsic, [](const GaussianData::Production& r) { return r.intrinsic; }},
      {&e.exchange, [](const GaussianData::Production& r) { return r.exchange; }},
      {&e.system, [](const GaussianData::Production& r) { return r.system; }},
      {&e.intrinsic_div, [](const GaussianData::Production& r) { return r.intrinsic; }},
      {&e.exchange_div, [](const GaussianData::Production& r) { return r.exchange; }},
      {&e.system_div, [](const GaussianData::Production& r) { return r.system; }}};
  for (const auto& curve : curves) {
    const auto& [profile, rate] = curve;
    const auto& exact = curve.second;  // a lambda may not capture a structured binding before C++20 (clang)
    int agree = 0;
    for (const auto& pt : profile->curve) {
      const double want = rate(g.entropy_production(*p, pt.s));
      agree += std::abs(pt.rate.value - want) <= 4 * pt.rate.std_error + 0.05 * std::abs(want);
    }
    EXPECT_GE(agree, 36) << "of 40 strata";
    const double total = integrate_time([&](double s) { return exact(g.entropy_production(*p, s)); }, opts.s_min(),
                                        p->t_max(), 20000);
    EXPECT_TRUE(within_stderr(profile->total.value, total, profile->total.std_error, 4.0, 1e-3 * std::abs(total)));
  }
  // Stein's identity holds for the true score: the paired difference is zero within its stderr.
  EXPECT_TRUE(within_stderr(e.stein.total.value, 0.0, e.stein.total.std_error));
  // The system rate integrates to the entropy change, and the bound is S0 (up to p_T's mismatch with the prior).
  const double h0 = g.entropy_at(*p, opts.s_min()), h1 = g.entropy_at(*p, p->t_max());
  const double s1 = p->prior_entropy(4);
  for (const auto* system : {&e.system, &e.system_div}) {
    const auto b = thermodynamic_bound(*system, {g.entropy(), 0.0}, s1);
    const double expected = 0.5 * (g.entropy() + s1) - 0.5 * (h1 - h0);
    EXPECT_TRUE(within_stderr(b.value.value, expected, b.value.std_error));
    EXPECT_TRUE(within_stderr(b.value.value, g.entropy(), b.value.std_error, 4.0, std::abs(expected - g.entropy())));
  }
}

TEST(Thermodynamics, VeNormFormIsTwoToOneForAnyScore) {
  // b = 0: Ṡ^e = −σ²‖s‖² = −2Ṡ^i sample by sample, whatever the score; the divergence form needs Stein.
  auto p = make_process("ve");
  auto x = draws(gaussian4(), 2000, 9);
  ScoreFn wrong = [&p](const torch::Tensor& z, const torch::Tensor& s) { return -0.5 * z / (1 + p->kernel_var(s)); };
  const auto e = entropy_production(*p, wrong, x, EntropyOptions().points(10).samples_per_point(64), {});
  EXPECT_NEAR(e.exchange.total.value, -2 * e.intrinsic.total.value, 1e-9 * std::abs(e.intrinsic.total.value));
  EXPECT_GT(std::abs(e.stein.total.value), 10 * e.stein.total.std_error);
  EXPECT_GT(std::abs(e.exchange_div.total.value + 2 * e.intrinsic_div.total.value), 0.01 * std::abs(e.intrinsic.total.value));
}

INSTANTIATE_TEST_SUITE_P(Processes, ThermodynamicsTest, ::testing::Values("vp", "ve"));

}  // namespace
}  // namespace diffinfo
