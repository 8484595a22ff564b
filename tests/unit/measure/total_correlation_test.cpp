// Total correlation from exact residuals against its closed form.
#include "diffinfo/data/stacking.h"
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
#include "test_models.h"

namespace diffinfo {
namespace {

using test::within_stderr;
using namespace test;

TEST(TotalCorrelation, ExactResidualsGiveTheClosedForm) {
  // The joint residual and the per-coordinate ones (a 1-D "mixture" whose component k is the
  // marginal of X_k, selected by the coordinate label) against ½(Σ ln C_kk − ln det C).
  auto gen = make_generator(3);
  const auto g = make_gaussian(GaussianSpec().dim(3).mean_scale(0.5), 20000, gen);
  const GaussianData law(json_to_tensor(g.spec["mean"], 1, "mean"), json_to_tensor(g.spec["cov"], 2, "cov"));
  const GaussianMixture marginals(torch::ones({3}, torch::kFloat64), law.mean().unsqueeze(1),
                                  law.cov().diagonal().reshape({3, 1, 1}));
  auto p = make_process("vp");
  const auto tc = total_correlation(
      *p, exact_residual(law.as_mixture(), *p),
      [&](const torch::Tensor& x, const torch::Tensor& s, const Condition& c) {
        return marginals.component_score(*p, x, s, c.value) - p->eq_score(x);
      },
      g.x, EntropyOptions().points(50).samples_per_point(200));
  const auto d = kl_decomposition(law, *p);
  EXPECT_TRUE(within_stderr(tc.total_correlation.value, d.total_correlation, tc.total_correlation.std_error));
  ASSERT_EQ(tc.marginals.size(), 3u);
  for (int k = 0; k < 3; ++k)
    EXPECT_TRUE(within_stderr(tc.marginals[k].total.value, d.marginal[k], tc.marginals[k].total.std_error, 4.0, 1e-3)) << k;
  EXPECT_GT(d.total_correlation, 0.1);
  auto [flat, index] = stack_coordinates(torch::arange(6, torch::kFloat64).reshape({2, 3}));
  EXPECT_TRUE(torch::equal(flat.squeeze(1), torch::arange(6, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(index, torch::tensor({0, 1, 2, 0, 1, 2}, torch::kInt64)));
}

}  // namespace
}  // namespace diffinfo
