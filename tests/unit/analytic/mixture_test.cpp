// Gaussian mixtures: exact scores are the gradients of their log-densities, one component is the Gaussian
// closed form, specs round-trip.
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

GaussianMixture random_mixture(int64_t k, int64_t d, uint64_t seed) {
  auto gen = make_generator(seed);
  auto a = torch::randn({k, d, d}, gen, torch::kFloat64) * 0.3;
  auto covs = torch::matmul(a, a.transpose(1, 2)) + 0.05 * torch::eye(d, torch::kFloat64);
  return GaussianMixture(torch::rand({k}, gen, torch::kFloat64) + 0.5, 2.0 * torch::randn({k, d}, gen, torch::kFloat64),
                         covs);
}

class MixtureLawTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MixtureLawTest, MixtureScoreIsTheGradientOfItsLogDensity) {
  auto p = make_process(GetParam());
  auto mix = random_mixture(3, 2, 2);
  auto gen = make_generator(4);
  auto x = mix.sample(64, gen);
  auto s = torch::rand({64, 1}, gen, torch::kFloat64) * 0.9 + 1e-3;
  auto xs = p->sample(x, s, torch::randn({64, 2}, gen, torch::kFloat64)).requires_grad_(true);
  auto grad = torch::autograd::grad({mix.log_density(*p, xs, s).sum()}, {xs})[0];
  EXPECT_TRUE(torch::allclose(grad, mix.score(*p, xs.detach(), s), 1e-9, 1e-9));
}

GaussianData random_gaussian(int64_t d, uint64_t seed, double mean_scale = 0.5) {
  auto gen = make_generator(seed);
  auto h = torch::randn({d, d}, gen, torch::kFloat64);
  return GaussianData(mean_scale * torch::randn({d}, gen, torch::kFloat64),
                      h.mm(h.t()) / static_cast<double>(d) + 0.05 * torch::eye(d, torch::kFloat64));
}

TEST_P(MixtureLawTest, OneComponentMixtureMatchesTheGaussianClosedForm) {
  auto p = make_process(GetParam());
  auto g = random_gaussian(3, 5);
  auto gen = make_generator(6);
  auto mc = g.as_mixture().total_entropy(*p, 400000, gen);
  EXPECT_TRUE(within_stderr(mc.value, g.total_entropy(*p), mc.std_error));
}

TEST(Analytic, MixtureSpecRoundTrips) {
  auto mix = random_mixture(2, 3, 13);
  auto back = GaussianMixture::from_spec(mix.spec());
  auto x = torch::randn({5, 3}, torch::kFloat64);
  EXPECT_TRUE(torch::allclose(mix.log_density(x), back.log_density(x), 1e-10));
  EXPECT_THROWS_WITH(GaussianMixture::from_spec({{"type", "laplace"}}), "spec type 'laplace' not found; known: gaussian, mixture");
}

INSTANTIATE_TEST_SUITE_P(AllProcesses, MixtureLawTest, ::testing::Values("vp", "vpx", "sl", "ve"));

}  // namespace
}  // namespace diffinfo
