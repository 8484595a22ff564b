// Exact references against each other: closed forms, autograd and Monte Carlo.
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

GaussianData random_gaussian(int64_t d, uint64_t seed, double mean_scale = 0.5) {
  auto gen = make_generator(seed);
  auto h = torch::randn({d, d}, gen, torch::kFloat64);
  return GaussianData(mean_scale * torch::randn({d}, gen, torch::kFloat64),
                      h.mm(h.t()) / static_cast<double>(d) + 0.05 * torch::eye(d, torch::kFloat64));
}

GaussianMixture random_mixture(int64_t k, int64_t d, uint64_t seed) {
  auto gen = make_generator(seed);
  auto a = torch::randn({k, d, d}, gen, torch::kFloat64) * 0.3;
  auto covs = torch::matmul(a, a.transpose(1, 2)) + 0.05 * torch::eye(d, torch::kFloat64);
  return GaussianMixture(torch::rand({k}, gen, torch::kFloat64) + 0.5, 2.0 * torch::randn({k, d}, gen, torch::kFloat64),
                         covs);
}

class AnalyticTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AnalyticTest, GaussianRateIntegratesToTotalEntropy) {
  // ∫₀ᵀ rate ds = D(p_0) − D(p_T): two independent closed forms (MATH.md §3).
  auto p = make_process(GetParam());
  auto g = random_gaussian(4, 1);
  const double integral = integrate_time([&](double s) { return g.entropy_rate(*p, s); }, 1e-9, p->t_max(), 40000);
  EXPECT_NEAR(integral, g.total_entropy(*p), 2e-5 * std::abs(g.total_entropy(*p)));
}

TEST_P(AnalyticTest, MixtureScoreIsTheGradientOfItsLogDensity) {
  auto p = make_process(GetParam());
  auto mix = random_mixture(3, 2, 2);
  auto gen = make_generator(4);
  auto x = mix.sample(64, gen);
  auto s = torch::rand({64, 1}, gen, torch::kFloat64) * 0.9 + 1e-3;
  auto xs = p->sample(x, s, torch::randn({64, 2}, gen, torch::kFloat64)).requires_grad_(true);
  auto grad = torch::autograd::grad({mix.log_density(*p, xs, s).sum()}, {xs})[0];
  EXPECT_TRUE(torch::allclose(grad, mix.score(*p, xs.detach(), s), 1e-9, 1e-9));
}

TEST_P(AnalyticTest, OneComponentMixtureMatchesTheGaussianClosedForm) {
  auto p = make_process(GetParam());
  auto g = random_gaussian(3, 5);
  auto gen = make_generator(6);
  auto mc = g.as_mixture().total_entropy(*p, 400000, gen);
  EXPECT_TRUE(within_stderr(mc.value, g.total_entropy(*p), mc.std_error));
}

INSTANTIATE_TEST_SUITE_P(AllProcesses, AnalyticTest, ::testing::Values("vp", "vpx", "sl", "ve"));

TEST(Analytic, GaussianScoreMatchesTheDiffusedCovariance) {
  auto p = make_process("vp");
  auto g = random_gaussian(3, 8);
  auto x = torch::randn({4, 3}, torch::kFloat64);
  const double s = 0.2;
  const auto sch = p->at(s);
  auto a = sch.mu * sch.mu * g.cov() + sch.var * torch::eye(3, torch::kFloat64);
  auto expected = -torch::linalg_solve(a, (x - sch.mu * g.mean()).t(), true).t();
  EXPECT_TRUE(torch::allclose(g.as_mixture().score(*p, x, torch::full({4, 1}, s, torch::kFloat64)), expected, 1e-10));
}

TEST(Analytic, GaussianTotalEntropyUnderVpIsTheKlToTheStandardNormal) {
  // Seed 003 Eq. 56 at large T: S_tot ≈ ½(tr C + m·m − ln det C − D).
  auto p = make_process("vp");
  auto g = random_gaussian(5, 9);
  const double kl = gaussian_kl(g.mean(), g.cov(), torch::zeros({5}, torch::kFloat64), torch::eye(5, torch::kFloat64));
  EXPECT_NEAR(g.kl_to_eq(*p, 0.0), kl, 1e-10);
  EXPECT_NEAR(g.total_entropy(*p), kl, 1e-3);  // D(p_T) ≈ 0 at T = 1 with β_max = 20
}

TEST(Analytic, VeTotalEntropyIsTheEntropyGain) {
  // Flat p_eq: S_tot = h(p_T) − h(p_0) (de Bruijn).
  auto p = make_process("ve");
  auto g = random_gaussian(3, 10);
  const auto sch = p->at(1.0);
  const double h_t = gaussian_entropy(g.cov() + sch.var * torch::eye(3, torch::kFloat64));
  EXPECT_NEAR(g.total_entropy(*p), h_t - g.entropy(), 1e-9);
}

TEST(Analytic, KlDecomposesIntoMarginalsAndTotalCorrelation) {
  // Seed 003 Eq. 8, and TC = KL(p‖Π p_k) computed independently.
  auto p = make_process("vpx", ProcessOptions().kappa(0.7));
  auto g = random_gaussian(4, 12);
  auto dec = kl_decomposition(g, *p);
  double marginal = 0;
  for (double m : dec.marginal) marginal += m;
  EXPECT_NEAR(dec.total, marginal + dec.total_correlation, 1e-10);
  const double tc = gaussian_kl(g.mean(), g.cov(), g.mean(), torch::diag(g.cov().diagonal()));
  EXPECT_NEAR(dec.total_correlation, tc, 1e-10);
  EXPECT_THROW(kl_decomposition(g, *make_process("ve")), c10::Error);
}

TEST(Analytic, MixtureSpecRoundTrips) {
  auto mix = random_mixture(2, 3, 13);
  auto back = GaussianMixture::from_spec(mix.spec());
  auto x = torch::randn({5, 3}, torch::kFloat64);
  EXPECT_TRUE(torch::allclose(mix.log_density(x), back.log_density(x), 1e-10));
  EXPECT_THROW(GaussianMixture::from_spec({{"type", "laplace"}}), c10::Error);
}

TEST(Analytic, RejectsInvalidLaws) {
  EXPECT_THROW(GaussianData(torch::zeros({2}), torch::tensor({{1.0, 2.0}, {2.0, 1.0}})), c10::Error);  // not PD
  EXPECT_THROW(GaussianData(torch::zeros({2}), torch::eye(3)), c10::Error);                           // shapes
}

}  // namespace
}  // namespace diffinfo
