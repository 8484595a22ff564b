// The label posterior along generation and along data paths, with exact scores against the exact posterior,
// and decision windows.
#include "diffinfo/analytic/mixture.h"
#include "diffinfo/measure/label_posterior.h"
#include "diffinfo/random.h"
#include <cmath>
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

GaussianMixture mixture_1d(std::vector<double> means, double var) {
  const int64_t k = static_cast<int64_t>(means.size());
  return GaussianMixture(torch::ones({k}, torch::kFloat64), torch::tensor(means, torch::kFloat64).unsqueeze(1),
                         torch::full({k, 1, 1}, var, torch::kFloat64));
}

ConditionalScoreFn exact_scores(const GaussianMixture& law, const ForwardProcess& p) {
  return [&law, &p](const torch::Tensor& x, const torch::Tensor& s, const Condition& c) {
    return c.is_null() ? law.score(p, x, s) : law.component_score(p, x, s, c.value);
  };
}

class LabelPosteriorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LabelPosteriorTest, ExactScoresGiveTheExactPosteriorAndCurve) {
  // Seed 001's Figure 1 setting: two 1-D components; and three 2-D ones.
  auto p = make_process(GetParam());
  const auto law = mixture_1d({-1.0, 1.0}, 0.05);
  const auto opts = PosteriorOptions().trajectories(2000).steps(500);
  const auto prof = label_posterior(
      *p, exact_scores(law, *p), law.weights(), 1, opts, torch::kCPU,
      [&](const torch::Tensor& x, const torch::Tensor& s) { return law.log_posterior(*p, x, s); });
  ASSERT_EQ(prof.s.size(), 501u);
  EXPECT_NEAR(prof.label_entropy, std::log(2.0), 1e-12);
  EXPECT_NEAR(prof.entropy.front().value, std::log(2.0), 0.02);  // p_T forgets the class
  EXPECT_LT(prof.entropy.back().value, 0.01);                      // s_end: decided
  // Filtered posterior against the exact one at the same points, and the exact curve against
  // forward diffusion (the trajectories have the right marginals): within 0.02 nats or 3 stderr.
  auto gen = make_generator(11);
  const auto forward = law.conditional_label_entropy(*p, prof.s, 20000, gen);
  int filter_ok = 0, curve_ok = 0;
  for (size_t k = 0; k < prof.s.size(); ++k) {
    filter_ok += std::abs(prof.gap[k].value) <= 0.02 || within_stderr(prof.gap[k].value, 0.0, prof.gap[k].std_error, 3.0);
    const double se = std::hypot(prof.entropy[k].std_error, forward[k].std_error);
    curve_ok += std::abs(prof.entropy[k].value - forward[k].value) <= 0.02 ||
                within_stderr(prof.entropy[k].value, forward[k].value, se, 3.0);
  }
  EXPECT_EQ(filter_ok, 501);
  EXPECT_GE(curve_ok, 496);  // 3 stderr: about 1 in 370 points may stray by chance
  // The decision window against the one of the forward curve's rate.
  std::vector<double> rate, forward_h;
  for (const auto& r : prof.rate) rate.push_back(r.value);
  for (const auto& f : forward) forward_h.push_back(f.value);
  const auto got = decision_windows(prof.s, rate);
  const auto want = decision_windows(prof.s, curve_rate(prof.s, forward_h, prof.rate_window));
  ASSERT_FALSE(got.empty());
  ASSERT_FALSE(want.empty());
  EXPECT_NEAR(got[0].s, want[0].s, 0.02) << GetParam();
  EXPECT_GT(got[0].rate, 0.0);  // H(C | X_s) grows with s
  // Binary forms: with two classes the pair "0 vs 1" is the posterior itself; "c vs null" starts
  // at the prior's binary entropy and stays a binary entropy.
  EXPECT_NEAR(prof.pairs[250][0].item<double>(), prof.entropy[250].value, 1e-9);
  EXPECT_NEAR(prof.versus_null[0][0].item<double>(), std::log(2.0), 1e-9);
  EXPECT_GE(prof.versus_null.min().item<double>(), 0.0);
  EXPECT_LE(prof.versus_null.max().item<double>(), std::log(2.0) + 1e-9);
}

TEST(LabelPosterior, ThreeClassesIn2DAndGenerationFromAClass) {
  auto p = make_process("vp");
  const GaussianMixture law(torch::tensor({0.5, 0.3, 0.2}, torch::kFloat64),
                            torch::tensor({{1.0, 0.0}, {-0.5, 0.8}, {-0.5, -0.8}}, torch::kFloat64),
                            torch::eye(2, torch::kFloat64).expand({3, 2, 2}) * 0.1);
  auto exact = [&](const torch::Tensor& x, const torch::Tensor& s) { return law.log_posterior(*p, x, s); };
  const auto prof = label_posterior(*p, exact_scores(law, *p), law.weights(), 2,
                                    PosteriorOptions().trajectories(1000).steps(300), torch::kCPU, exact);
  const double h = -(0.5 * std::log(0.5) + 0.3 * std::log(0.3) + 0.2 * std::log(0.2));
  EXPECT_NEAR(prof.label_entropy, h, 1e-12);
  for (size_t k = 0; k < prof.s.size(); ++k)
    EXPECT_TRUE(std::abs(prof.gap[k].value) <= 0.02 || within_stderr(prof.gap[k].value, 0.0, prof.gap[k].std_error, 3.0)) << k;
  EXPECT_EQ(prof.pairs.size(1), 3);
  // The mean posterior at the end is the class frequency of unconditional draws: the prior.
  EXPECT_TRUE(torch::allclose(prof.posterior[-1], law.weights(), 0, 0.05));
  // Drawn from class 2, the posterior ends on class 2.
  const auto from2 = label_posterior(*p, exact_scores(law, *p), law.weights(), 2,
                                     PosteriorOptions().trajectories(200).steps(300).generate(2), torch::kCPU);
  EXPECT_GT(from2.posterior[-1][2].item<double>(), 0.95);
  EXPECT_TRUE(from2.exact_entropy.empty());
  EXPECT_THROWS_WITH(label_posterior(*p, exact_scores(law, *p), law.weights(), 2, PosteriorOptions().generate(3), torch::kCPU), "generate must be -1 (unconditional) or a class 0..2, got 3");
}

TEST(DecisionWindows, FindsKnownPeaksAndTheirWidths) {
  // Two Gaussian bumps in |rate| (heights 4 and 1.5, std 0.02 and 0.05): FWHM = 2√(2 ln 2) σ.
  std::vector<double> s, r;
  for (int i = 0; i <= 1000; ++i) {
    const double t = i / 1000.0;
    s.push_back(1.0 - t);  // descending, as the sampler visits them
    r.push_back(-(4.0 * std::exp(-0.5 * std::pow((t - 0.3) / 0.02, 2)) + 1.5 * std::exp(-0.5 * std::pow((t - 0.7) / 0.05, 2))));
  }
  // r is a function of t = 1 − s: peaks at s = 0.7 and 0.3.
  const auto w = decision_windows(s, r);
  ASSERT_EQ(w.size(), 2u);
  const double fwhm = 2.0 * std::sqrt(2.0 * std::log(2.0));
  EXPECT_NEAR(w[0].s, 0.7, 1e-9);
  EXPECT_NEAR(w[0].width, fwhm * 0.02, 1e-3);
  EXPECT_NEAR(w[0].rate, -4.0, 1e-6);
  EXPECT_NEAR(w[1].s, 0.3, 1e-9);
  EXPECT_NEAR(w[1].width, fwhm * 0.05, 1e-3);
  // Within its FWHM a Gaussian bump holds erf(√(ln 2)) ≈ 0.761 of its area h σ √(2π).
  const double inside = std::erf(std::sqrt(std::log(2.0)));
  EXPECT_NEAR(w[0].information, inside * 4.0 * 0.02 * std::sqrt(2.0 * M_PI), 1e-4);
  EXPECT_NEAR(w[1].information, inside * 1.5 * 0.05 * std::sqrt(2.0 * M_PI), 1e-4);
  EXPECT_EQ(decision_windows(s, r, 0.95).size(), 1u);  // the second holds 94 % of the first's nats
}

TEST(DecisionWindows, RankByTheInformationDecidedNotByPeakHeight) {
  // A tall one-point spike (a noisy last step) beside a broad bump that decides far more.
  std::vector<double> s, r;
  for (int i = 0; i <= 1000; ++i) {
    const double t = i / 1000.0;
    s.push_back(t);
    r.push_back(2.0 * std::exp(-0.5 * std::pow((t - 0.6) / 0.1, 2)) + (i == 5 ? 20.0 : 0.0));
  }
  const auto w = decision_windows(s, r);
  ASSERT_EQ(w.size(), 1u);  // the spike holds ~0.01 nats, under 20 % of the bump's ~0.38
  EXPECT_NEAR(w[0].s, 0.6, 1e-3);
  EXPECT_NEAR(w[0].information, std::erf(std::sqrt(std::log(2.0))) * 2.0 * 0.1 * std::sqrt(2.0 * M_PI), 1e-3);
  EXPECT_EQ(decision_windows(s, r, 0.0).size(), 2u);
  EXPECT_NEAR(decision_windows(s, r, 0.0)[1].s, 0.005, 1e-3);
  // A ripple of ±15 % on the bump (a noisy rate) adds local maxima, each a shoulder of the top:
  // still one window, holding the bump's nats to within the ripple.
  std::vector<double> rippled;
  for (size_t k = 0; k < s.size(); ++k)
    rippled.push_back(2.0 * std::exp(-0.5 * std::pow((s[k] - 0.6) / 0.1, 2)) * (1.0 + 0.15 * std::sin(2.0 * M_PI * s[k] / 0.03)));
  const auto one = decision_windows(s, rippled, 0.0);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_NEAR(one[0].information, w[0].information, 0.15 * w[0].information);
}

// On labelled data: the paths are forward diffusions of mixture draws read back from T. With
// exact scores the filtered posterior is the exact one on the same points, the cross-entropy
// E[−log P(y | x_s)] is H(C | X_s), and both splits of MINDE's integral and both MMSE gaps reach
// I(X_{s_end}; C) with the null's gap at zero.
TEST_P(LabelPosteriorTest, OnLabelledDataExactScoresGiveTheExactPosteriorAndInformation) {
  auto p = make_process(GetParam());
  const auto law = mixture_1d({-1.0, 1.0}, 0.05);
  auto gen = make_generator(5);
  torch::Tensor labels;
  const auto x = law.sample(3000, gen, &labels);
  const auto opts = PosteriorOptions().trajectories(2000).steps(300);
  const auto prof = label_posterior_on_data(
      *p, exact_scores(law, *p), law.weights(), x, labels, opts, torch::kCPU,
      [&](const torch::Tensor& xs, const torch::Tensor& s) { return law.log_posterior(*p, xs, s); });
  const size_t n = prof.s.size();
  ASSERT_EQ(n, 301u);
  ASSERT_EQ(prof.cross_entropy.size(), n);
  int filter_ok = 0, ce_ok = 0;
  auto forward_gen = make_generator(12);
  const auto forward = law.conditional_label_entropy(*p, prof.s, 20000, forward_gen);
  for (size_t k = 0; k < n; ++k) {
    filter_ok += std::abs(prof.gap[k].value) <= 0.02 || within_stderr(prof.gap[k].value, 0.0, prof.gap[k].std_error, 3.0);
    const double se = std::hypot(prof.cross_entropy[k].std_error, forward[k].std_error);
    ce_ok += std::abs(prof.cross_entropy[k].value - forward[k].value) <= 0.02 ||
             within_stderr(prof.cross_entropy[k].value, forward[k].value, se, 3.0);
  }
  EXPECT_GE(filter_ok, 298);
  EXPECT_GE(ce_ok, 295);
  auto info_gen = make_generator(13);
  const auto truth = law.diffused(*p, prof.s.back()).label_information(200000, info_gen);
  for (const auto* curve : {&prof.posterior_information, &prof.minde_information, &prof.mmse_gap_information,
                            &prof.posterior_mmse_gap}) {
    const auto& total = curve->back();
    EXPECT_TRUE(within_stderr(total.value, truth.value, std::hypot(total.std_error, truth.std_error), 4.0))
        << total.value << " ± " << total.std_error << " against " << truth.value;
  }
  EXPECT_LT(prof.null_gap.back().value, 1e-3);
  EXPECT_GT(prof.accuracy.back().value, 0.99);
  EXPECT_NEAR(prof.posterior_information.front().value, 0.0, 1e-12);  // ∫_T^T
  EXPECT_THROWS_WITH(label_posterior_on_data(*p, exact_scores(law, *p), law.weights(), x, labels.slice(0, 0, 10), opts, torch::kCPU), "label posterior on data needs data [N, D] and labels [N], got [3000, 1");
}

// A network's errors, modelled: each class's score and the null score carry their own smooth
// error of size η/√Σ(s), as a network's residual does. MINDE integrates ‖δ_y − δ_null‖² at every s,
// and below the decision, where I(X_s; C) no longer grows, it goes on growing like η² ln(1/s). The
// posterior's part weighs the class errors by P_c(1 − P_c): once the class is decided it stops
// growing, and the null's gap takes the excess. Where the class is still open the errors enter it
// too, so on such data the posterior's own entropy and cross-entropy are the better totals.
TEST(LabelPosterior, OnLabelledDataThePosteriorPartStopsAtTheDecision) {
  auto p = make_process("vp");
  const GaussianMixture law(torch::tensor({0.5, 0.3, 0.2}, torch::kFloat64),
                            torch::tensor({{1.0, 0.0}, {-0.5, 0.8}, {-0.5, -0.8}}, torch::kFloat64),
                            torch::eye(2, torch::kFloat64).expand({3, 2, 2}) * 0.1);
  const double eta = 0.4;
  const ConditionalScoreFn noisy = [&](const torch::Tensor& x, const torch::Tensor& s, const Condition& c) {
    auto exact = c.is_null() ? law.score(*p, x, s) : law.component_score(*p, x, s, c.value);
    auto id = c.is_null() ? torch::full({x.size(0), 1}, 3.0, x.options()) : c.value.to(x.dtype()).unsqueeze(1);
    auto error = torch::sin(2.0 * x + 1.7 * id + 0.5 * x.flip(1) + 0.3);  // differs by class, smooth in x
    return exact + eta * error / p->kernel_var(s).to(x.dtype()).sqrt();
  };
  auto gen = make_generator(6);
  torch::Tensor labels;
  const auto x = law.sample(1500, gen, &labels);
  const auto prof = label_posterior_on_data(*p, noisy, law.weights(), x, labels,
                                            PosteriorOptions().trajectories(1500).steps(300), torch::kCPU);
  auto info_gen = make_generator(14);
  const double truth = law.diffused(*p, prof.s.back()).label_information(200000, info_gen).value;  // 1.007
  // The decision: the first grid time where H(C | X_s) < 0.05 nats; from there to s_end (0.04 to 0.001).
  size_t k = 0;
  while (prof.entropy[k].value >= 0.05) ++k;
  ASSERT_LT(prof.s[k], 0.1);
  const auto grown = [&](const std::vector<Estimate>& curve) { return curve.back().value - curve[k].value; };
  EXPECT_GT(grown(prof.minde_information), 1.0);              // η² ln(s_k / s_end) · E‖δ_y − δ_null‖²/2
  EXPECT_LT(grown(prof.posterior_information), 0.05);
  EXPECT_GT(prof.minde_information.back().value - truth, 2.0);
  EXPECT_GT(prof.null_gap.back().value, 2.0);
  // The posterior's own totals stay within 10 % of the truth.
  EXPECT_NEAR(prof.information(prof.s.size() - 1).value, truth, 0.1 * truth);
  EXPECT_NEAR(prof.label_entropy - prof.cross_entropy.back().value, truth, 0.1 * truth);
  // The MMSE gaps count E‖δ_u‖² − E‖δ_y‖², errors of about one size here, not E‖δ_y − δ_u‖²: against
  // s̄ the difference vanishes once the class is decided; against the null score the two sizes
  // differ a little (measured below the decision: −0.12 nats, where MINDE gains 1.12). The total by
  // posterior lands on the truth.
  EXPECT_LT(std::abs(grown(prof.posterior_mmse_gap)), 0.05);
  EXPECT_LT(std::abs(grown(prof.mmse_gap_information)), 0.25 * grown(prof.minde_information));
  EXPECT_NEAR(prof.posterior_mmse_gap.back().value, truth, 0.1 * truth);
}

INSTANTIATE_TEST_SUITE_P(Processes, LabelPosteriorTest, ::testing::Values("vp", "ve"));

}  // namespace
}  // namespace diffinfo
