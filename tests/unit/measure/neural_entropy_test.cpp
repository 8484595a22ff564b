// Neural entropy with the exact residual against the closed-form S_tot, and an honest stderr.
#include "diffinfo/measure/reference.h"
#include "diffinfo/random.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

GaussianData test_gaussian() {
  auto gen = make_generator(21);
  auto h = torch::randn({3, 3}, gen, torch::kFloat64);
  return GaussianData(0.5 * torch::randn({3}, gen, torch::kFloat64),
                      h.mm(h.t()) / 3.0 + 0.05 * torch::eye(3, torch::kFloat64));
}

class NeuralEntropyTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(NeuralEntropyTest, ExactResidualGivesTheClosedFormTotal) {
  const auto [name, kind] = GetParam();
  auto p = make_process(name);
  auto g = test_gaussian();
  auto gen = make_generator(1);
  auto data = g.as_mixture().sample(50000, gen);
  auto opts = EntropyOptions().points(50).samples_per_point(200).time_sampling(kind).seed(3);
  auto profile = neural_entropy(*p, exact_residual(g.as_mixture(), *p), data, opts);
  // The estimate covers [s_min, T]; the closed form [0, T]. Their difference is below 1e-5 nats here.
  EXPECT_TRUE(within_stderr(profile.total.value, g.total_entropy(*p), profile.total.std_error, 4.0, 1e-4));
  ASSERT_EQ(profile.curve.size(), 50u);
  EXPECT_NEAR(profile.curve.back().cumulative.value, profile.total.value, 1e-12 * std::abs(profile.total.value));
  EXPECT_NEAR(profile.curve.back().cumulative.std_error, profile.total.std_error, 1e-12);
  // The curve: each stratum's mean rate against the exact rate at its median time (smooth, narrow strata).
  int agree = 0;
  for (const auto& pt : profile.curve)
    agree += std::abs(pt.rate.value - g.entropy_rate(*p, pt.s)) <= 4 * pt.rate.std_error + 0.05 * g.entropy_rate(*p, pt.s);
  EXPECT_GE(agree, 45);
}

// The denoising form ∫ σ²/2 E[2 e·r − ‖e‖²] equals S_tot − ∫ σ²/2 E‖δ‖² for a residual e = e* + δ: second
// order in the error, where S_NN moves with its first order too. With δ and −δ on the same draws,
// S_NN(+) + S_NN(−) − 2 S_tot = 2 ∫ σ²/2 E‖δ‖², which the denoising form must lose.
TEST(NeuralEntropy, DenoisingFormLosesOnlyTheSquaredError) {
  auto p = make_process("vp");
  auto g = test_gaussian();
  auto gen = make_generator(4);
  auto data = g.as_mixture().sample(50000, gen);
  auto opts = EntropyOptions().points(50).samples_per_point(400).seed(5);
  const auto exact = exact_residual(g.as_mixture(), *p);
  const auto perturbed = [&](double c) -> ResidualFn {
    return [&, c](const torch::Tensor& x, const torch::Tensor& s) { return exact(x, s) + c * torch::tanh(x + 0.5); };
  };
  const auto e0 = neural_entropy(*p, exact, data, opts);
  const auto plus = neural_entropy(*p, perturbed(0.3), data, opts), minus = neural_entropy(*p, perturbed(-0.3), data, opts);
  const double s_tot = g.total_entropy(*p);
  // Exact residual: both forms agree with S_tot, and their paired gap is zero.
  EXPECT_TRUE(within_stderr(e0.denoising.value, s_tot, e0.denoising.std_error, 4.0, 1e-4));
  EXPECT_TRUE(within_stderr(e0.gap.value, 0.0, e0.gap.std_error, 4.0, 1e-6));
  // Perturbed: S_NN moves at first order (the two signs part), the denoising form loses q = ∫ σ²/2 E‖δ‖².
  const double q = 0.5 * (plus.total.value + minus.total.value - 2 * e0.total.value);
  ASSERT_GT(q, 0.0);
  EXPECT_GT(std::abs(plus.total.value - minus.total.value), 4 * std::hypot(plus.total.std_error, minus.total.std_error));
  for (const auto* e : {&plus, &minus})
    EXPECT_TRUE(within_stderr(e->denoising.value, s_tot - q, std::hypot(e->denoising.std_error, e0.total.std_error), 4.0, 1e-4))
        << e->denoising.value << " vs " << s_tot - q;
}

TEST(NeuralEntropy, StderrIsHonestAcrossSeeds) {
  // The spread of 30 independent estimates must match the stderr each one reports.
  auto p = make_process("vp");
  auto g = test_gaussian();
  auto gen = make_generator(2);
  auto data = g.as_mixture().sample(20000, gen);
  std::vector<double> values;
  double reported = 0;
  for (uint64_t seed = 0; seed < 30; ++seed) {
    auto prof = neural_entropy(*p, exact_residual(g.as_mixture(), *p), data,
                               EntropyOptions().points(20).samples_per_point(50).seed(100 + seed));
    values.push_back(prof.total.value);
    reported += prof.total.std_error / 30;
  }
  const auto spread = torch::tensor(values).std().item<double>();
  // With 30 draws the sample sd is within ±40 % of the truth with overwhelming probability.
  EXPECT_GT(spread / reported, 0.6);
  EXPECT_LT(spread / reported, 1.4);
}

TEST(NeuralEntropy, RowsStderrIsHonestAcrossSamplesOfRows) {
  // 30 independent pools of 150 rows of one law, each measured with many draws: the estimates spread by the
  // Monte Carlo error and the pool's own sampling error together, and the pool's is the larger part here.
  auto p = make_process("vp");
  auto g = test_gaussian();
  auto gen = make_generator(60);
  std::vector<double> values;
  double predicted_var = 0, mc_var = 0;
  for (uint64_t pool = 0; pool < 30; ++pool) {
    auto rows = g.as_mixture().sample(150, gen);
    auto prof = neural_entropy(*p, exact_residual(g.as_mixture(), *p), rows,
                               EntropyOptions().points(20).samples_per_point(500).seed(200 + pool));
    values.push_back(prof.total.value);
    predicted_var += (std::pow(prof.total.std_error, 2) + std::pow(prof.rows_stderr, 2)) / 30;
    mc_var += std::pow(prof.total.std_error, 2) / 30;
  }
  const double spread = torch::tensor(values).std().item<double>();
  ASSERT_GT(predicted_var, 4 * mc_var);  // the rows dominate: the test can tell the two apart
  // 29 degrees of freedom: the sample sd lies within ±40 % of the truth with overwhelming probability.
  EXPECT_GT(spread / std::sqrt(predicted_var), 0.6);
  EXPECT_LT(spread / std::sqrt(predicted_var), 1.4);
  EXPECT_GT(spread / std::sqrt(mc_var), 1.6);  // the Monte Carlo error alone would not cover it
}

TEST(NeuralEntropy, MixtureTotalByRateAgreesWithMonteCarloKl) {
  // Two independent estimators of S_tot for a 2-D mixture with variance-0.05 components.
  auto p = make_process("vp");
  auto gen = make_generator(9);
  GaussianMixture mix(torch::ones({3}, torch::kFloat64), 2.0 * torch::randn({3, 2}, gen, torch::kFloat64),
                      0.05 * torch::eye(2, torch::kFloat64).expand({3, 2, 2}).contiguous());
  auto data = mix.sample(50000, gen);
  auto ref = exact_entropy(mix.spec(), *p, data, EntropyOptions().points(50).samples_per_point(200));
  const double se = std::hypot(ref.total.std_error, ref.curve.total.std_error);
  EXPECT_TRUE(within_stderr(ref.curve.total.value, ref.total.value, se, 4.0, 1e-4));
}

TEST(NeuralEntropy, RejectsBadOptions) {
  auto p = make_process("vp");
  auto data = torch::randn({10, 2}, torch::kFloat64);
  auto zero = [](const torch::Tensor& x, const torch::Tensor&) { return torch::zeros_like(x); };
  EXPECT_THROWS_WITH(neural_entropy(*p, zero, data, EntropyOptions().samples_per_point(1)), "entropy estimate needs samples_per_point >= 2 (for its stderr), got 1");
  EXPECT_THROWS_WITH(neural_entropy(*p, zero, data, EntropyOptions().time_sampling("log")), "time sampling 'log' not found; known: importance, uniform");
  auto wrong = [](const torch::Tensor& x, const torch::Tensor&) { return x.sum(1); };
  EXPECT_THROWS_WITH(neural_entropy(*p, wrong, data, EntropyOptions()), "residual must return [B, D] like its input, got [2048]");
  // An equilibrium model stores nothing.
  auto prof = neural_entropy(*p, zero, data, EntropyOptions().points(5).samples_per_point(4));
  EXPECT_EQ(prof.total.value, 0.0);
}

INSTANTIATE_TEST_SUITE_P(ProcessesAndKinds, NeuralEntropyTest,
                         test::processes_and_time_samplers(), test::process_sampler_name);

}  // namespace
}  // namespace diffinfo
