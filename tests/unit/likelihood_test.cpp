// Likelihood, its upper bounds and the thermodynamic lower bound, each fed the exact Gaussian score,
// against closed forms: the PF-ODE NLL against the exact density of every sample, the denoising bound
// and the DDPM ELBO against their expectations in closed form, the entropy-production rates against
// their closed forms, within each estimator's own stderr.
#include "diffinfo/analytic/reference.h"
#include "diffinfo/info/knn_entropy.h"
#include "diffinfo/measure/thermodynamics.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"
#include "support.h"

#include <cmath>

namespace diffinfo {
namespace {

using test::within_stderr;

GaussianData gaussian4() {
  auto gen = make_generator(5);
  auto h = torch::randn({4, 4}, gen, torch::kFloat64);
  return GaussianData(0.5 * torch::randn({4}, gen, torch::kFloat64), h.mm(h.t()) / 4.0 + 0.1 * torch::eye(4, torch::kFloat64));
}

ScoreFn exact_score(const GaussianMixture& law, const ForwardProcess& p) {
  return [&law, &p](const torch::Tensor& x, const torch::Tensor& s) { return law.score(p, x, s); };
}

torch::Tensor draws(const GaussianData& g, int64_t n, uint64_t seed) {
  auto gen = make_generator(seed);
  return g.as_mixture().sample(n, gen);
}

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

INSTANTIATE_TEST_SUITE_P(Processes, OdeLikelihoodTest, ::testing::Values("vp", "vpx", "sl", "ve"));

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

// E‖∇log p_s − ∇log p(x_s|x0)‖² = D/Σ − tr A⁻¹ for Gaussian data, so the bound's expectation is closed.
double denoising_bound_closed_form(const GaussianData& g, const ForwardProcess& p, const torch::Tensor& x, double s_min) {
  const double d = static_cast<double>(g.dim());
  auto evals = torch::linalg_eigvalsh(g.cov(), "L");
  auto rate = [&](double s) {
    const auto at = p.at(s);
    const double inv = (at.mu * at.mu * evals + at.var).reciprocal().sum().item<double>();
    return 0.5 * at.sigma * at.sigma * (d / at.var - inv);
  };
  const auto at0 = p.at(s_min), at1 = p.at(p.t_max());
  const double v = p.prior_var();
  const double prior = 0.5 * (d * at1.var / v + at1.mu * at1.mu * x.pow(2).sum(1).mean().item<double>() / v - d +
                              d * std::log(v / at1.var));
  return 0.5 * d * (std::log(2 * M_PI * at0.var / (at0.mu * at0.mu)) + 1.0) + integrate_time(rate, s_min, p.t_max(), 20000) +
         prior;
}

TEST(DenoisingBound, ExactScoreMatchesItsClosedFormAndBoundsTheNll) {
  for (const std::string name : {"vp", "ve"}) {
    auto p = make_process(name);
    const auto g = gaussian4();
    const auto law = g.as_mixture();
    auto x = draws(g, 20000, 6);
    const auto opts = EntropyOptions().points(50).samples_per_point(400).seed(1);
    const auto b = denoising_bound(*p, exact_score(law, *p), x, opts);
    ASSERT_EQ(b.terms.size(), 3u);
    EXPECT_TRUE(within_stderr(b.total.value, denoising_bound_closed_form(g, *p, x, opts.s_min()), b.total.std_error)) << name;
    EXPECT_GT(b.total.value, g.entropy() - 4 * b.total.std_error) << name;
    double sum = 0;
    for (const auto& t : b.terms) sum += t.second.value;
    EXPECT_NEAR(sum, b.total.value, 1e-9);
  }
}

TEST(DdpmElbo, ExactScoreMatchesItsClosedFormAndBoundsTheEntropy) {
  auto p = make_process("vp");
  const auto g = gaussian4();
  const auto law = g.as_mixture();
  auto x = draws(g, 2000, 7);
  const int64_t steps = 1000;
  const auto b = ddpm_elbo(*p, exact_score(law, *p), x, steps, 3);
  // With the exact score x̂0 = E[x0|x_k], so E‖x0 − x̂0‖² = Σ_i c_i(1−ᾱ)/(ᾱc_i + 1−ᾱ) (eigenvalues c_i of C).
  auto c = torch::linalg_eigvalsh(g.cov(), "L");
  auto abar = [&](int64_t k) { return std::pow(p->at(static_cast<double>(k) / steps).mu, 2); };
  auto mse = [&](double a) { return (c * (1 - a) / (a * c + 1 - a)).sum().item<double>(); };
  const double d = 4, b1 = 1 - abar(1), an = abar(steps);
  double expected = 0.5 * d * std::log(2 * M_PI * b1) + mse(abar(1)) / (2 * b1);
  for (int64_t k = 2; k <= steps; ++k) {
    const double a = abar(k), ap = abar(k - 1), beta = 1 - a / ap;
    expected += ap * beta * beta / ((1 - a) * (1 - a)) / (2 * (1 - ap) * beta / (1 - a)) * mse(a);
  }
  expected += 0.5 * ((1 - an) * d + an * x.pow(2).sum(1).mean().item<double>() - d - d * std::log(1 - an));
  EXPECT_TRUE(within_stderr(b.total.value, expected, b.total.std_error));
  EXPECT_GT(b.total.value, g.entropy() - 4 * b.total.std_error);
  EXPECT_THROW(ddpm_elbo(*make_process("ve"), exact_score(law, *p), x, steps, 3), c10::Error);
}

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
  for (const auto& [profile, rate] : curves) {
    int agree = 0;
    for (const auto& pt : profile->curve) {
      const double want = rate(g.entropy_production(*p, pt.s));
      agree += std::abs(pt.rate.value - want) <= 4 * pt.rate.std_error + 0.05 * std::abs(want);
    }
    EXPECT_GE(agree, 36) << "of 40 strata";
    const double total = integrate_time([&](double s) { return rate(g.entropy_production(*p, s)); }, opts.s_min(),
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

INSTANTIATE_TEST_SUITE_P(Processes, ThermodynamicsTest, ::testing::Values("vp", "ve"));

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

TEST(KnnEntropy, GaussianWithinItsStderr) {
  const auto g = gaussian4();
  auto x = draws(g, 8000, 10);
  const auto h = knn_entropy(x, 3);
  EXPECT_TRUE(within_stderr(h.value, g.entropy(), h.std_error));
  EXPECT_THROW(knn_entropy(torch::cat({x, x.slice(0, 0, 1)}), 1), c10::Error);
}

TEST(DataEntropy, ClosedFormsAndMonteCarlo) {
  EXPECT_NEAR(data_entropy({{"type", "uniform"}, {"dim", 3}, {"low", -1.0}, {"high", 2.0}}, 3).value.value,
              3 * std::log(3.0), 1e-12);
  const auto g = gaussian4();
  EXPECT_NEAR(data_entropy(g.spec(), 4).value.value, g.entropy(), 1e-12);
  auto mix = g.as_mixture().spec();
  const auto mc = data_entropy(mix, 4, 1);
  EXPECT_TRUE(within_stderr(mc.value.value, g.entropy(), mc.value.std_error));
  EXPECT_THROW(data_entropy(g.spec(), 3), c10::Error);
}

}  // namespace
}  // namespace diffinfo
