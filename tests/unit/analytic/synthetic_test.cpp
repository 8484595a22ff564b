// Synthetic laws: samples follow their specs, benchmark tasks carry the published truth.
#include "diffinfo/data/csv.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/random.h"
#include <cstring>
#include <map>
#include "support.h"

namespace diffinfo {
namespace {

using test::scratch_dir;

using test::slurp;

using test::spit;

TEST(Synthetic, SamplesFollowTheirSpecs) {
  auto gen = make_generator(1);
  auto g = make_gaussian(GaussianSpec().dim(3), 200000, gen);
  auto cov = json_to_tensor(g.spec["cov"], 2, "cov");
  auto xc = g.x - g.x.mean(0);
  EXPECT_TRUE(torch::allclose(xc.t().mm(xc) / g.x.size(0), cov, 0.02, 0.02));

  auto m = make_mixture(MixtureSpec().components(4), 1000, gen);
  EXPECT_EQ(m.labels.min().item<int64_t>(), 0);
  EXPECT_EQ(m.labels.max().item<int64_t>(), 3);

  auto j = make_joint_gaussian(JointGaussianSpec().dim_x(4).dim_y(2), 100, gen);
  auto cx = json_to_tensor(j.spec["x"]["cov"], 2, "cov"), a = json_to_tensor(j.spec["a"], 2, "a");
  auto joint = torch::cat({torch::cat({cx, cx.mm(a.t())}, 1), torch::cat({a.mm(cx), a.mm(cx).mm(a.t()) + torch::eye(2, torch::kFloat64)}, 1)}, 0);
  EXPECT_NEAR(j.spec["mutual_information"].get<double>(), gaussian_mutual_information(joint, 4), 1e-8);
  auto f = make_joint_gaussian(JointGaussianSpec().dim_x(6).dim_y(2).mode("flattening").rank(2).lambda_delta(1e-4), 10, gen);
  auto evals = torch::linalg_eigvalsh(json_to_tensor(f.spec["x"]["cov"], 2, "cov"), "L");
  EXPECT_LT(evals[3].item<double>(), 2e-3);  // four flattened directions
  EXPECT_THROWS_WITH(make_joint_gaussian(JointGaussianSpec().mode("sideways"), 10, gen), "joint-gaussian mode 'sideways' not found; known: determinism, flatteni");
}

TEST(Synthetic, BenchmarkTasksCarryThePublishedTruth) {
  // Czyż et al. 2023's ground truths (docs/math.md §4) against the closed forms the generator computes.
  const std::map<std::string, double> published = {
      {"normal-1x1", 0.4133},           {"normal-1x1-halfcube", 0.4133},   {"uniform-additive-0.1", 1.7094},
      {"uniform-additive-0.75", 0.3333}, {"student-t-1x1", 0.2242},        {"student-t-1x1-asinh", 0.2242},
      {"multinormal-dense-2", 0.2939},  {"multinormal-dense-3", 0.4133},   {"multinormal-dense-5", 0.5928},
      {"multinormal-dense-25", 1.2922}, {"multinormal-dense-50", 1.6243},  {"multinormal-sparse-3x3", 1.0217}};
  ASSERT_EQ(bmi_task_names().size(), published.size());
  for (const auto& name : bmi_task_names()) {
    auto gen = make_generator(0);
    const auto t = make_bmi(name, 2000, gen);
    EXPECT_NEAR(t.spec["mutual_information"].get<double>(), published.at(name), 5e-5) << name;
    EXPECT_EQ(t.x.size(0), 2000) << name;
    EXPECT_EQ(t.y.size(0), 2000) << name;
  }
  // The samples follow their law: the bivariate normal's correlation, the additive noise's range.
  auto gen = make_generator(1);
  const auto normal = make_bmi("normal-1x1", 20000, gen);
  const double r = torch::corrcoef(torch::cat({normal.x, normal.y}, 1).t())[0][1].item<double>();
  EXPECT_NEAR(r, 0.75, 4 * (1 - 0.75 * 0.75) / std::sqrt(20000.0));
  const auto uniform = make_bmi("uniform-additive-0.1", 20000, gen);
  EXPECT_LE((uniform.y - uniform.x).abs().max().item<double>(), 0.1);
  EXPECT_THROWS_WITH(make_bmi("spiral", 10, gen), "bmi task 'spiral' not found; known: normal-1x1, normal-1x1-halfcube, u");
}

}  // namespace
}  // namespace diffinfo
