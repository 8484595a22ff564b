// Exact references: data entropies, and exact MI curves of the joint Gaussian and of mixtures.
#include "diffinfo/measure/likelihood.h"
#include "diffinfo/analytic/joint_gaussian.h"
#include "diffinfo/analytic/mixture.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/info/knn_entropy.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/measure/thermodynamics.h"
#include "diffinfo/measure/total_correlation.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"
#include "diffinfo/train/trainer.h"
#include <cmath>
#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using test::within_stderr;
using namespace test;

TEST(DataEntropy, ClosedFormsAndMonteCarlo) {
  EXPECT_NEAR(data_entropy({{"type", "uniform"}, {"dim", 3}, {"low", -1.0}, {"high", 2.0}}, 3).value.value,
              3 * std::log(3.0), 1e-12);
  const auto g = gaussian4();
  EXPECT_NEAR(data_entropy(g.spec(), 4).value.value, g.entropy(), 1e-12);
  auto mix = g.as_mixture().spec();
  const auto mc = data_entropy(mix, 4, 1);
  EXPECT_TRUE(within_stderr(mc.value.value, g.entropy(), mc.value.std_error));
  EXPECT_THROWS_WITH(data_entropy(g.spec(), 3), "the law has dimension 4 but the data have 3");
}

class ExactMiTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExactMiTest, JointGaussianEstimatesMatchTheClosedForm) {
  auto p = make_process(GetParam());
  const auto s = joint();
  const auto opts = EntropyOptions().points(50).samples_per_point(200).seed(5);
  const auto ref = exact_mutual_information(s.spec, *p, s.x, s.y, opts);
  const double truth = s.spec["mutual_information"].get<double>();
  EXPECT_EQ(ref.total.value, truth);
  EXPECT_TRUE(within_stderr(ref.curve.minde.total.value, truth, ref.curve.minde.total.std_error));
  EXPECT_TRUE(within_stderr(ref.curve.difference.total.value, truth, ref.curve.difference.total.std_error));
  EXPECT_TRUE(within_stderr(ref.curve.mmse_gap.total.value, truth, ref.curve.mmse_gap.total.std_error));
  EXPECT_TRUE(within_stderr(ref.curve.orthogonality.total.value, 0.0, ref.curve.orthogonality.total.std_error));
  // ∫_s^T rate = I(X_s; Y) − I(X_T; Y) against the closed form at every stratum start (p_T keeps a
  // trace of the data under VPx and VE).
  const double at_t = JointGaussian::from_spec(s.spec).mutual_information(*p, p->t_max());
  int agree = 0;
  for (size_t j = 0; j < ref.running.size(); ++j) {
    const auto above = ref.curve.minde.above(j);
    agree += within_stderr(above.value, ref.running[j] - at_t, above.std_error, 4.0, 1e-4);
  }
  EXPECT_GE(agree, 48);
  EXPECT_DOUBLE_EQ(ref.curve.minde.above(0).value, ref.curve.minde.total.value);
}

TEST_P(ExactMiTest, JointDiffusionMatchesTheClosedForm) {
  // MINDE-j with the exact scores of Z = [X, Y], X and Y: I(X; Y), and ∫_s^T rate = I(X_s; Y_s) − I(X_T; Y_T).
  auto p = make_process(GetParam());
  const auto s = joint();
  const auto opts = EntropyOptions().points(50).samples_per_point(200).seed(6);
  const auto ref = exact_mutual_information(s.spec, *p, s.x, s.y, opts, /*joint=*/true);
  const auto law = JointGaussian::from_spec(s.spec);
  const double at_t = law.joint_mutual_information(*p, p->t_max());
  const double truth = law.mutual_information() - at_t;
  EXPECT_TRUE(within_stderr(ref.curve.minde.total.value, truth, ref.curve.minde.total.std_error));
  EXPECT_TRUE(within_stderr(ref.curve.difference.total.value, truth, ref.curve.difference.total.std_error));
  EXPECT_TRUE(within_stderr(ref.curve.mmse_gap.total.value, truth, ref.curve.mmse_gap.total.std_error));
  EXPECT_TRUE(within_stderr(ref.curve.orthogonality.total.value, 0.0, ref.curve.orthogonality.total.std_error));
  ASSERT_EQ(ref.running.size(), 50u);
  int agree = 0;
  for (size_t j = 0; j < ref.running.size(); ++j) {
    const auto above = ref.curve.minde.above(j);
    agree += within_stderr(above.value, ref.running[j] - at_t, above.std_error, 4.0, 1e-4);
  }
  EXPECT_GE(agree, 48);
  // S^X and S^{X|Y} = S(X, Y) − S(Y) against their closed forms.
  EXPECT_TRUE(within_stderr(ref.curve.unconditional.total.value, ref.entropy_x, ref.curve.unconditional.total.std_error, 4.0, 1e-3));
  EXPECT_TRUE(within_stderr(ref.curve.conditional.total.value, ref.entropy_x + truth, ref.curve.conditional.total.std_error, 4.0, 1e-3));
}

TEST(ExactMi, MixtureLabelsMatchTheExactPosterior) {
  auto gen = make_generator(1);
  const auto s = make_mixture(MixtureSpec().dim(2).components(3).spread(0.6).var(0.3), 20000, gen);
  auto p = make_process("vp");
  const auto ref = exact_mutual_information(s.spec, *p, s.x, s.labels, EntropyOptions().points(50).samples_per_point(200));
  const double se = std::hypot(ref.total.std_error, ref.curve.minde.total.std_error);
  EXPECT_TRUE(within_stderr(ref.curve.minde.total.value, ref.total.value, se));
  EXPECT_TRUE(within_stderr(ref.curve.difference.total.value, ref.total.value,
                            std::hypot(ref.total.std_error, ref.curve.difference.total.std_error)));
  EXPECT_TRUE(within_stderr(ref.curve.mmse_gap.total.value, ref.total.value,
                            std::hypot(ref.total.std_error, ref.curve.mmse_gap.total.std_error)));
  const auto bound = check_label_bound(ref.total, s.labels);
  EXPECT_NEAR(bound.label_entropy, std::log(3.0), 0.01);
  EXPECT_FALSE(bound.exceeds);
  EXPECT_GT(ref.total.value, 0.1);  // overlapping components: well below ln 3
  EXPECT_LT(ref.total.value, bound.label_entropy - 0.1);
}

INSTANTIATE_TEST_SUITE_P(Processes, ExactMiTest, ::testing::Values("vp", "vpx", "sl", "ve"));

}  // namespace
}  // namespace diffinfo
