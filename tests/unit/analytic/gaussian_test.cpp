// Gaussian data under every process against closed forms: diffused scores, the entropy rate and S_tot, the KL
// decomposition.
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

class GaussianLawTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GaussianLawTest, GaussianRateIntegratesToTotalEntropy) {
  // ∫₀ᵀ rate ds = D(p_0) − D(p_T): two independent closed forms (docs/math.md §3).
  auto p = make_process(GetParam());
  auto g = random_gaussian(4, 1);
  const double integral = integrate_time([&](double s) { return g.entropy_rate(*p, s); }, 1e-9, p->t_max(), 40000);
  EXPECT_NEAR(integral, g.total_entropy(*p), 2e-5 * std::abs(g.total_entropy(*p)));
}

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
  EXPECT_THROWS_WITH(kl_decomposition(g, *make_process("ve")), "the KL decomposition needs a normalisable p_eq; process 've' has a fla");
}

TEST(Analytic, RejectsInvalidLaws) {
  EXPECT_THROWS_WITH(GaussianData(torch::zeros({2}), torch::tensor({{1.0, 2.0}, {2.0, 1.0}})), "Gaussian covariance must be positive definite; smallest eigenvalue -1");  // not PD
  EXPECT_THROWS_WITH(GaussianData(torch::zeros({2}), torch::eye(3)), "Gaussian covariance must be [2, 2], got [3, 3]");                           // shapes
}

INSTANTIATE_TEST_SUITE_P(AllProcesses, GaussianLawTest, ::testing::Values("vp", "vpx", "sl", "ve"));

}  // namespace
}  // namespace diffinfo
