// The denoising bound and the DDPM ELBO with the exact score against their closed forms.
#include "diffinfo/measure/likelihood.h"
#include "diffinfo/measure/bounds.h"
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
  EXPECT_THROWS_WITH(ddpm_elbo(*make_process("ve"), exact_score(law, *p), x, steps, 3), "the DDPM ELBO needs a VP process (ᾱ = μ², prior N(0, I)), got ve");
}

}  // namespace
}  // namespace diffinfo
