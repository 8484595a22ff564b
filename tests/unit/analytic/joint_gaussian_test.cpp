// The joint Gaussian of Kelly gamblers App. E.1: its closed forms against the joint covariance and its
// conditional scores.
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

TEST(JointGaussian, ClosedFormsAgreeWithTheJointCovariance) {
  const auto s = joint(10);
  const auto law = JointGaussian::from_spec(s.spec);
  auto cx = json_to_tensor(s.spec["x"]["cov"], 2, "cov"), a = json_to_tensor(s.spec["a"], 2, "a");
  auto cxy = a.mm(cx), cy = a.mm(cx).mm(a.t()) + torch::eye(3, torch::kFloat64);
  auto full = torch::cat({torch::cat({cx, cxy.t()}, 1), torch::cat({cxy, cy}, 1)}, 0);
  EXPECT_NEAR(law.mutual_information(), gaussian_mutual_information(full, 5), 1e-9);
  EXPECT_NEAR(law.mutual_information(), s.spec["mutual_information"].get<double>(), 1e-9);
  auto vp = make_process("vp");
  EXPECT_NEAR(law.mutual_information(*vp, 0.0), law.mutual_information(), 1e-9);
  EXPECT_LT(law.mutual_information(*vp, 1.0), 1e-3);  // p_T forgets the data
  double prev = law.mutual_information();
  for (double t : {0.01, 0.1, 0.3, 0.6}) {  // data processing: I(X_s; Y) falls with s, I(X_s; Y_s) below it
    EXPECT_LT(law.mutual_information(*vp, t), prev);
    EXPECT_LT(law.joint_mutual_information(*vp, t), law.mutual_information(*vp, t));
    prev = law.mutual_information(*vp, t);
  }
  EXPECT_NEAR(law.joint_mutual_information(*vp, 0.0), law.mutual_information(), 1e-9);
  EXPECT_TRUE(torch::allclose(law.joint_law().cov(), full, 1e-9, 1e-12));
  EXPECT_TRUE(torch::allclose(law.y_law().cov(), cy, 1e-9, 1e-12));
}

TEST(JointGaussian, ConditionalScoreIsTheScoreOfTheConditionalLaw) {
  // X | Y = y is N(Ky, C); check against a one-component mixture built from K and C independently.
  const auto s = joint(10);
  const auto law = JointGaussian::from_spec(s.spec);
  auto cx = json_to_tensor(s.spec["x"]["cov"], 2, "cov"), a = json_to_tensor(s.spec["a"], 2, "a");
  auto cy = a.mm(cx).mm(a.t()) + torch::eye(3, torch::kFloat64);
  auto k = cx.mm(a.t()).mm(torch::inverse(cy));
  auto c = cx - k.mm(a).mm(cx);
  auto y = torch::tensor({{0.3, -1.0, 2.0}}, torch::kFloat64);
  GaussianData cond_law(k.mm(y.t()).squeeze(1), 0.5 * (c + c.t()));
  for (const char* name : {"vp", "ve", "sl"}) {
    auto p = make_process(name);
    auto gen = make_generator(4);
    auto x = torch::randn({6, 5}, gen, torch::kFloat64);
    auto t = torch::full({6, 1}, 0.2, torch::kFloat64);
    auto got = law.conditional_score(*p, x, t, y.expand({6, 3}));
    auto want = cond_law.as_mixture().score(*p, x, t);
    EXPECT_TRUE(torch::allclose(got, want, 1e-6, 1e-8)) << name;
  }
}

}  // namespace
}  // namespace diffinfo
