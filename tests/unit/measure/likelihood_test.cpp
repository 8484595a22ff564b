// The PF-ODE NLL with the exact score against the exact density of every sample, its solvers and divergences,
// bits/dim.
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

class OdeLikelihoodTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OdeLikelihoodTest, ExactScoreGivesTheExactDensityOfEverySample) {
  auto p = make_process(GetParam());
  const auto g = gaussian4();
  const auto law = g.as_mixture();
  auto x = draws(g, 256, 1);
  const auto opts = LikelihoodOptions().batch_size(128);
  const auto r = ode_likelihood(*p, exact_score(law, *p), x, opts);
  ASSERT_EQ(r.log_likelihood.size(0), 256);
  // The model density is that of p_{s_min}, but for the prior π standing in for p_T at each end point.
  auto exact = law.log_density(*p, x, torch::full({256, 1}, opts.s_min(), torch::kFloat64)) -
               law.log_density(*p, r.latent, torch::full({256, 1}, p->t_max(), torch::kFloat64)) + r.log_prior;
  EXPECT_LT((r.log_likelihood - exact).abs().max().item<double>(), 1e-3);
  // The mean NLL against the data's own cross-entropy on the same samples: within 0.1 % (the bar).
  const double analytic = -law.log_density(x).mean().item<double>();
  EXPECT_NEAR(r.nll.value, analytic, 1e-3 * std::abs(analytic));
  EXPECT_GT(r.nfe, 10);
  EXPECT_EQ(r.log_likelihood.numel(), r.log_prior.numel());
}

TEST(OdeLikelihood, HeunAgreesWithRk45) {
  auto p = make_process("vp");
  const auto g = gaussian4();
  const auto law = g.as_mixture();
  auto x = draws(g, 128, 2);
  const auto rk = ode_likelihood(*p, exact_score(law, *p), x, LikelihoodOptions());
  const auto heun = ode_likelihood(*p, exact_score(law, *p), x, LikelihoodOptions().solver("heun").steps(500));
  EXPECT_LT((rk.log_likelihood - heun.log_likelihood).abs().max().item<double>(), 1e-3);
  EXPECT_EQ(heun.nfe, 1000);
}

TEST(OdeLikelihood, HutchinsonAgreesWithExactWithinItsStderr) {
  auto p = make_process("vp");
  const auto g = gaussian4();
  const auto law = g.as_mixture();
  auto x = draws(g, 400, 3);
  const auto exact = ode_likelihood(*p, exact_score(law, *p), x, LikelihoodOptions());
  for (const std::string probe : {"rademacher", "gaussian"}) {
    const auto hutch = ode_likelihood(
        *p, exact_score(law, *p), x,
        LikelihoodOptions().divergence(DivergenceOptions().method("hutchinson").probe(probe).probes(2)).seed(9));
    const auto diff = mean_estimate(hutch.log_likelihood - exact.log_likelihood);
    EXPECT_GT(diff.std_error, 1e-4) << probe << ": the probes must add noise";
    EXPECT_TRUE(within_stderr(diff.value, 0.0, diff.std_error)) << probe;
  }
}

TEST(OdeLikelihood, TrajectoriesThatEscapeThePriorAreNamed) {
  // s = −5x makes the VP flow v = 2βx expand every trajectory by e^{2∫β} ≈ e^20: all escape.
  auto p = make_process("vp");
  auto x = draws(gaussian4(), 6, 4);
  ScoreFn bad = [](const torch::Tensor& z, const torch::Tensor&) { return -5.0 * z; };
  const auto r = ode_likelihood(*p, bad, x, LikelihoodOptions().solver("heun").steps(200));
  EXPECT_EQ(r.escaped.numel(), 6);
  const auto law = gaussian4().as_mixture();
  const auto ok = ode_likelihood(*p, exact_score(law, *p), x, LikelihoodOptions().solver("heun").steps(200));
  EXPECT_EQ(ok.escaped.numel(), 0);
  EXPECT_EQ(ok.nll_kept.value, ok.nll.value);
}

TEST(OdeLikelihood, BadOptionsThrowNamingTheKnownOnes) {
  auto p = make_process("vp");
  const auto law = gaussian4().as_mixture();
  auto x = draws(gaussian4(), 8, 4);
  auto expect_error = [&](const LikelihoodOptions& o, const std::string& text) {
    try {
      ode_likelihood(*p, exact_score(law, *p), x, o);
      ADD_FAILURE() << "no error for " << text;
    } catch (const c10::Error& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  expect_error(LikelihoodOptions().solver("euler"), "solver 'euler' not found; known: rk45, heun");
  expect_error(LikelihoodOptions().divergence(DivergenceOptions().method("skilling")),
               "divergence 'skilling' not found; known: exact, hutchinson");
  expect_error(LikelihoodOptions().divergence(DivergenceOptions().method("hutchinson").probe("sphere")),
               "probe 'sphere' not found; known: rademacher, gaussian");
  expect_error(LikelihoodOptions().max_steps(3), "the probability-flow ODE took more than 3 steps");
}

TEST(Likelihood, BitsPerDimCarryTheQuantisationOffset) {
  const Estimate nll{10.0, 0.2};
  EXPECT_NEAR(bits_per_dim(nll, 5, {}).value, 10.0 / (5 * std::log(2.0)), 1e-12);
  EXPECT_NEAR(bits_per_dim(nll, 5, {256, 0.0, 1.0}).value, 10.0 / (5 * std::log(2.0)) + 8.0, 1e-12);
  EXPECT_NEAR(bits_per_dim(nll, 5, {256, -1.0, 1.0}).value, 10.0 / (5 * std::log(2.0)) + 7.0, 1e-12);
  EXPECT_NEAR(bits_per_dim(nll, 5, {256, 0.0, 1.0}).std_error, 0.2 / (5 * std::log(2.0)), 1e-12);
  auto gen = make_generator(0);
  auto grid = torch::randint(0, 256, {1000, 3}, gen, torch::kFloat64) / 256.0;
  auto noisy = dequantize(grid, {256, 0.0, 1.0}, gen);
  EXPECT_LE((noisy - grid).abs().max().item<double>(), 0.5 / 256);
  EXPECT_GT((noisy - grid).abs().max().item<double>(), 0.4 / 256);
}

INSTANTIATE_TEST_SUITE_P(Processes, OdeLikelihoodTest, ::testing::Values("vp", "vpx", "sl", "ve"));

}  // namespace
}  // namespace diffinfo
