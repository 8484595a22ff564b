// MINDE, the entropy difference and the MMSE gap: how errors enter each, the small-s drift, the label bound,
// and conditional training.
#include "diffinfo/analytic/joint_gaussian.h"
#include "diffinfo/analytic/mixture.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/measure/total_correlation.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/random.h"
#include "diffinfo/train/trainer.h"
#include <cmath>
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

// ∫_{s_min}^T σ²/Σ ds by the trapezoid rule in ln s: the weight of a noise-prediction error that is
// constant in s, ‖c‖²/2 × this (MINDE's integrand σ²‖c‖²/(2Σ) of a residual off by c/√Σ).
double noise_error_weight(const ForwardProcess& p, double s_lo, double s_hi) {
  const int n = 4000;
  const double a = std::log(s_lo), b = std::log(s_hi);
  double integral = 0;
  for (int i = 0; i <= n; ++i) {
    const double t = std::exp(a + (b - a) * i / n);
    const auto at = p.at(t);
    integral += (i == 0 || i == n ? 0.5 : 1.0) * t * at.sigma * at.sigma / at.var;
  }
  return integral * (b - a) / n;
}

TEST(SmallSDrift, ExactScoresFlattenAndAnOffsetGainsWhatItsIntegrandSays) {
  // Exact scores: the mixture's I(X_s; Y) flattens as s -> 0, so its lowest decade gains nothing.
  auto gen = make_generator(1);
  const auto s = make_mixture(MixtureSpec().dim(2).components(3).spread(0.6).var(0.3), 20000, gen);
  auto p = make_process("vp");
  const auto opts = EntropyOptions().points(50).samples_per_point(200);
  const auto ref = exact_mutual_information(s.spec, *p, s.x, s.labels, opts);
  const auto flat = ref.curve.minde.gain_per_efold(10 * opts.s_min());
  EXPECT_DOUBLE_EQ(flat.s_lo, opts.s_min());
  EXPECT_GT(flat.s_hi, 5 * opts.s_min());
  EXPECT_LE(flat.s_hi, 10 * opts.s_min());
  EXPECT_TRUE(within_stderr(flat.per_efold.value, 0.0, flat.per_efold.std_error, 4.0, 1e-4));
  // A conditional output off by c / sqrt(Σ(s)) (noise prediction off by a constant c): MINDE's
  // integrand is σ²‖c‖²/(2Σ), about ‖c‖²/2 per e-fold at small s; its integral by quadrature in ln s.
  const auto c = torch::tensor({0.3, -0.4}, torch::kFloat64);
  const ConditionalResidualFn offset = [&](const torch::Tensor& xs, const torch::Tensor& t, const Condition& y) {
    const auto zero = torch::zeros_like(xs);
    return y.is_null() ? zero : zero + c.to(xs.dtype()) / p->kernel_var(t).sqrt();
  };
  const auto drift = mutual_information(*p, offset, s.x, s.labels, opts).minde.gain_per_efold(10 * opts.s_min());
  const double efolds = std::log(drift.s_hi / drift.s_lo);
  const double want = 0.5 * 0.25 * noise_error_weight(*p, drift.s_lo, drift.s_hi) / efolds;  // per e-fold
  EXPECT_NEAR(want, 0.125, 0.005);
  EXPECT_TRUE(within_stderr(drift.per_efold.value, want, drift.per_efold.std_error, 4.0, 1e-3 * want));
}

TEST(MmseGap, AConditionalErrorSplitsTheEstimatorsAndANullErrorRaisesBoth) {
  // Exact scores of a 3-component mixture, with one kind of output off by c/√Σ(s) (a noise
  // prediction off by c), K = ‖c‖²/2 ∫ σ²/Σ ds (mutual_information.h). The scores of p(x_s|y) and of
  // p(x_s) have mean zero under their laws, so E[(e_true(·; y) − e_true)·c] = 0, and
  // - the labelled outputs off: MINDE = I + K, MMSE gap = I − K, orthogonality 2K;
  // - the null output off:      MINDE = I + K, MMSE gap = I + K, orthogonality 0.
  auto gen = make_generator(1);
  const auto s = make_mixture(MixtureSpec().dim(2).components(3).spread(0.6).var(0.3), 20000, gen);
  auto p = make_process("vp");
  const auto opts = EntropyOptions().points(50).samples_per_point(400).s_min(1e-3);
  const auto ref = exact_mutual_information(s.spec, *p, s.x, s.labels, opts);
  const auto law = GaussianMixture::from_spec(s.spec);
  const auto c = torch::tensor({0.3, -0.4}, torch::kFloat64);
  const double k = 0.5 * 0.25 * noise_error_weight(*p, opts.s_min(), p->t_max());
  EXPECT_GT(k, 0.5);  // large beside I ≈ 0.7
  // Differences from the exact-score run on the same draws keep only the errors' own variance.
  auto shift = [&](const EntropyProfile& a, const EntropyProfile& b) { return a.total.value - b.total.value; };
  for (const bool null_off : {false, true}) {
    const ConditionalResidualFn off = [&](const torch::Tensor& xs, const torch::Tensor& t, const Condition& y) {
      auto e = y.is_null() ? law.score(*p, xs, t) : law.component_score(*p, xs, t, y.value);
      if (y.is_null() == null_off) e = e + c.to(xs.dtype()) / p->kernel_var(t).sqrt();
      return e - p->eq_score(xs);
    };
    const auto mi = mutual_information(*p, off, s.x, s.labels, opts);
    const double se = mi.orthogonality.total.std_error, gap_shift = null_off ? k : -k;
    EXPECT_TRUE(within_stderr(mi.orthogonality.total.value, k - gap_shift, se, 4.0, 1e-3)) << null_off;
    EXPECT_TRUE(within_stderr(shift(mi.minde, ref.curve.minde), k, se, 4.0, 1e-3)) << null_off;
    EXPECT_TRUE(within_stderr(shift(mi.mmse_gap, ref.curve.mmse_gap), gap_shift, se, 4.0, 1e-3)) << null_off;
  }
}

TEST(LabelBound, EntropyOfCountsAndTheFlag) {
  auto labels = torch::tensor({0, 0, 1, 1, 2, 2, 2, 2}, torch::kInt64);
  const double h = -(0.25 * std::log(0.25) * 2 + 0.5 * std::log(0.5));
  EXPECT_NEAR(label_entropy(labels), h, 1e-12);
  auto over = check_label_bound({h + 0.2, 0.05}, labels);
  EXPECT_TRUE(over.exceeds);
  EXPECT_NEAR(over.excess_stderr, 4.0, 1e-9);
  EXPECT_FALSE(check_label_bound({h - 0.01, 0.05}, labels).exceeds);
}

// A short labelled run (2000 steps) on a 3-class 2-D mixture.
RunConfig mixture_run_config(const Synthetic& s, double null_consistency = 0.0) {
  RunConfig c;
  c.process = make_process("vp")->config();
  c.model = NetworkOptions(2).width(128).depth(2).classes(3);
  c.cond_kind = CondKind::kLabels;
  c.objective.null_consistency(null_consistency);
  c.train.steps(2000).batch_size(256).lr(2e-3).warmup(50).checkpoint_every(2000);
  c.data_path = "memory";
  c.data_var = s.x.var(0).mean().item<double>();
  return c;
}

MutualInformationProfile run_minde(const std::string& dir, const Synthetic& s, const EntropyOptions& opts) {
  auto run = load_run(dir, torch::kCPU);
  auto model = run.model;
  return mutual_information(
      *run.process, [&](const torch::Tensor& x, const torch::Tensor& t, const Condition& y) { return model->residual(x, t, y); },
      s.x.to(torch::kFloat32), s.labels, opts);
}

TEST(ConditionalTraining, TheNetworkLearnsWhatLabelsTell) {
  // A functional check that labels reach the network and the null label is learned beside them.
  // Short runs overestimate MINDE (network noise adds to ‖e(x|y) − e(x)‖²); the accuracy of the
  // default settings is measured by examples/mi_accuracy.sh (docs/mutual_information.md: within 0.3 %), which takes a
  // minute per case and so is not a unit test.
  const auto dir = test::scratch_dir();
  auto gen = make_generator(1);
  const auto s = make_mixture(MixtureSpec().dim(2).components(3).spread(1.0).var(0.3), 20000, gen);
  const auto c = mixture_run_config(s);
  train(c, {s.x, s.labels}, dir + "/run", false, torch::kCPU);
  const auto opts = EntropyOptions().points(50).samples_per_point(200);
  const auto mi = run_minde(dir + "/run", s, opts);
  const auto ref = exact_mutual_information(s.spec, *make_process("vp"), s.x, s.labels, opts);
  // An ignored label would give 0; a null label never learned would give far more than H(Y).
  EXPECT_GT(mi.minde.total.value, 0.7 * ref.total.value);
  EXPECT_GT(mi.difference.total.value, 0.7 * ref.total.value);
  EXPECT_LT(mi.minde.total.value, 1.5 * ref.total.value);
  // A conditional run needs its labels, and an unconditional network refuses a condition.
  EXPECT_THROWS_WITH(train(c, s.x, dir + "/other", false, torch::kCPU), "this run is conditional: it needs condition rows beside the data");
  Mlp plain(NetworkOptions(2));
  EXPECT_THROWS_WITH(plain->forward(torch::zeros({4, 2}), torch::zeros({4, 1}), Condition(torch::zeros({4}, torch::kInt64))), "this network was trained without conditioning");
}

TEST(ConditionalTraining, NullConsistencyRemovesMostOfTheShortRunsExcess) {
  // The same short run overestimates MINDE by a fifth, most of it the null output's error;
  // pulling the null rows toward their own labels' outputs (weight 4) removes most of that.
  const auto dir = test::scratch_dir();
  auto gen = make_generator(1);
  const auto s = make_mixture(MixtureSpec().dim(2).components(3).spread(1.0).var(0.3), 20000, gen);
  const auto opts = EntropyOptions().points(50).samples_per_point(400);
  std::vector<MutualInformationProfile> mi;
  for (double weight : {0.0, 4.0}) {
    const auto run = dir + "/w" + std::to_string(mi.size());
    train(mixture_run_config(s, weight), {s.x, s.labels}, run, false, torch::kCPU);
    mi.push_back(run_minde(run, s, opts));
  }
  const auto ref = exact_mutual_information(s.spec, *make_process("vp"), s.x, s.labels, opts);
  const double plain = mi[0].minde.total.value - ref.total.value, pulled = mi[1].minde.total.value - ref.total.value;
  const double se = std::hypot(mi[0].minde.total.std_error, mi[1].minde.total.std_error);
  EXPECT_GT(plain, 0.1 * ref.total.value);    // the excess this test is about
  EXPECT_LT(pulled, plain - 4.0 * se);        // measured: 0.21 nats above the exact 1.054, then 0.03
  EXPECT_LT(std::abs(pulled), 0.5 * plain);
}

}  // namespace
}  // namespace diffinfo
