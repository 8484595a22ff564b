// The interval of a headline estimate: the estimators' span widened by the random sources in quadrature.
#include "diffinfo/measure/uncertainty.h"

#include "diffinfo/measure/reference.h"
#include "diffinfo/random.h"
#include "support.h"

namespace diffinfo {
namespace {

TEST(Uncertainty, IntervalSpansTheEstimatorsAndTheRandomErrors) {
  Uncertainty u({2.0, 0.03}, "s_nn");
  u.add_random("monte_carlo", 0.03).add_random("measured_rows", 0.04).add_estimator("denoising_form", 1.9);
  u.add_missing("ensemble", "one network");
  EXPECT_NEAR(u.random_stderr(), 0.05, 1e-12);
  const auto i = u.interval_95();
  EXPECT_NEAR(i[0], 1.9 - kZ95 * 0.05, 1e-12);
  EXPECT_NEAR(i[1], 2.0 + kZ95 * 0.05, 1e-12);
  EXPECT_NEAR(u.total_stderr(), 0.05 + 0.05 / kZ95, 1e-12);
  EXPECT_NEAR(u.bias_share(), 0.1 / (kZ95 * 0.05), 1e-12);

  const auto j = u.to_json();
  EXPECT_EQ(j.at("value").get<double>(), 2.0);
  EXPECT_EQ(j.at("stderr").get<double>(), 0.03);  // the Monte Carlo error, as before
  EXPECT_NEAR(j.at("interval_95")[0].get<double>(), i[0], 1e-12);
  EXPECT_NEAR(j.at("total_stderr").get<double>(), u.total_stderr(), 1e-12);
  const auto& c = j.at("components");
  EXPECT_EQ(c.at("measured_rows").get<double>(), 0.04);
  EXPECT_NEAR(c.at("estimator_span").at("width").get<double>(), 0.1, 1e-12);
  EXPECT_EQ(c.at("estimator_span").at("estimators").at("denoising_form").get<double>(), 1.9);
  EXPECT_EQ(c.at("ensemble").at("missing").get<std::string>(), "one network");
  EXPECT_FALSE(j.at("uncertainty_method").get<std::string>().empty());
}

TEST(Uncertainty, DifferenceZTellsNoiseFromBias) {
  Uncertainty u({1.0, 0.01});
  u.add_random("monte_carlo", 0.01).add_estimator("close", 1.02, 0.02).add_estimator("far", 0.8, 0.05);
  EXPECT_NEAR(u.largest_difference_z(), 4.0, 1e-12);
  const auto z = u.to_json().at("components").at("estimator_span").at("difference_z");
  EXPECT_NEAR(z.at("close").get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(z.at("far").get<double>(), -4.0, 1e-12);
  Uncertainty unknown({1.0, 0.01});
  unknown.add_estimator("other", 1.5);  // no paired error: no z, the span still counts
  EXPECT_EQ(unknown.largest_difference_z(), 0.0);
  EXPECT_NEAR(unknown.estimator_span()[1], 1.5, 1e-12);
}

TEST(Uncertainty, OneEstimatorGivesTheSymmetricInterval) {
  Uncertainty u({1.0, 0.01});
  u.add_random("monte_carlo", 0.01).add_estimator("nan", NAN);  // a NaN estimator is left out
  const auto i = u.interval_95();
  EXPECT_NEAR(i[0], 1.0 - kZ95 * 0.01, 1e-12);
  EXPECT_NEAR(i[1], 1.0 + kZ95 * 0.01, 1e-12);
  EXPECT_NEAR(u.total_stderr(), 0.01, 1e-12);
  EXPECT_EQ(u.interval_text(2), "[0.98, 1.02]");
}

// A model trained elsewhere predicts ε; its error δ_ε becomes the residual's error −δ_ε/√Σ(s), large as s → 0,
// so S_NN sits above S_tot by about ∫ σ²/2 E‖δ‖² while its denoising form sits below by as much. The interval
// spans both and holds S_tot, where the random errors alone miss it, for either sign of δ_ε.
TEST(Uncertainty, IntervalHoldsTheTruthForAnEpsilonModelsError) {
  auto p = make_process("vp");
  auto gen = make_generator(31);
  auto h = torch::randn({3, 3}, gen, torch::kFloat64);
  const GaussianData g(0.5 * torch::randn({3}, gen, torch::kFloat64), h.mm(h.t()) / 3.0 + 0.05 * torch::eye(3, torch::kFloat64));
  const auto data = g.as_mixture().sample(50000, gen);
  const auto exact = exact_residual(g.as_mixture(), *p);
  const double s_tot = g.total_entropy(*p);
  for (double c : {0.1, -0.1}) {
    const ResidualFn model = [&](const torch::Tensor& x, const torch::Tensor& s) {
      return exact(x, s) - c * torch::tanh(x + 0.5) / p->kernel_var(s).sqrt();
    };
    const auto prof = neural_entropy(*p, model, data, EntropyOptions().points(50).samples_per_point(400).seed(7));
    Uncertainty u(prof.total);
    u.add_random("monte_carlo", prof.total.std_error).add_random("measured_rows", prof.rows_stderr);
    u.add_estimator("denoising_form", prof.denoising.value, std::hypot(prof.gap.std_error, prof.gap_rows_stderr));
    const auto i = u.interval_95();
    EXPECT_GT(std::abs(prof.total.value - s_tot), kZ95 * u.random_stderr()) << "c = " << c << ": the random errors hold it";
    EXPECT_LE(i[0], s_tot) << "c = " << c;
    EXPECT_GE(i[1], s_tot) << "c = " << c;
    EXPECT_GT(u.largest_difference_z(), 3.0) << "c = " << c << ": the estimators must part visibly";
  }
}

}  // namespace
}  // namespace diffinfo
