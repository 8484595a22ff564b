// Synthetic laws: samples follow their specs.
#include "diffinfo/data/csv.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/random.h"
#include <cstring>
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

}  // namespace
}  // namespace diffinfo
