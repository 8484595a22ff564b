// The score model: a fresh network says "at equilibrium", the parameterisations agree, a joint model sees only
// its block.
#include "diffinfo/data/stacking.h"
#include "diffinfo/analytic/joint_gaussian.h"
#include "diffinfo/analytic/mixture.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/estimate.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/measure/total_correlation.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/random.h"
#include "diffinfo/train/objective.h"
#include "diffinfo/train/trainer.h"
#include <cmath>
#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using test::within_stderr;
using namespace test;

std::shared_ptr<const ForwardProcess> vp() { return std::shared_ptr<const ForwardProcess>(make_process("vp")); }

TEST(Model, FreshNetworkSaysTheDataAreAtEquilibrium) {
  Mlp net(NetworkOptions(3));
  auto gen = make_generator(0);
  net->reset_parameters(gen);
  ScoreModel model(vp(), net, "entropy", 1.0);
  auto x = torch::randn({8, 3}), s = torch::rand({8, 1});
  EXPECT_TRUE(torch::allclose(model.residual(x, s), torch::zeros_like(x)));
  EXPECT_TRUE(torch::allclose(model.score(x, s), -x));  // VP: ∇log p_eq = −x
}

TEST(Model, ParameterisationsAreConsistent) {
  auto p = vp();
  auto x = torch::randn({8, 3}), s = torch::rand({8, 1}) * 0.9 + 0.05;
  for (const char* output : {"entropy", "score"}) {
    ScoreModel model(p, random_net(3), output, 0.7);
    EXPECT_TRUE(torch::allclose(model.score(x, s), p->eq_score(x) + model.residual(x, s), 1e-5, 1e-5)) << output;
    EXPECT_TRUE(torch::allclose(model.scaled_score(x, s), p->kernel_var(s).sqrt() * model.score(x, s), 1e-5, 1e-5));
  }
  EXPECT_THROWS_WITH(ScoreModel(p, random_net(3), "epsilon", 1.0), "model output 'epsilon' not found; known: entropy, score");
  EXPECT_THROWS_WITH(ScoreModel(p, random_net(3), "score", 0.0), "data variance must be positive, got 0");
}

TEST(JointModel, EachBlockSeesAndTrainsOnlyItsCoordinates) {
  auto p = std::shared_ptr<const ForwardProcess>(make_process("vp"));
  Mlp net(NetworkOptions(5).width(32).classes(3));
  auto gen = make_generator(2);
  net->reset_parameters(gen);
  {
    torch::NoGradGuard no_grad;
    net->named_parameters()["out.weight"].normal_(0.0, 0.3, gen);  // the output layer starts at 0
  }
  const ScoreModel model(p, net, "entropy", 1.0, 1.0, /*joint_split=*/3);
  auto z = torch::randn({4, 5}, gen, torch::kFloat32);
  auto s = torch::full({4, 1}, 0.3, torch::kFloat32);
  auto block = [](int64_t k) { return Condition(torch::full({4}, k, torch::kInt64)); };
  auto z_y = z.clone(), z_x = z.clone();
  z_y.narrow(1, 3, 2).add_(1.0);  // another Y
  z_x.narrow(1, 0, 3).add_(1.0);  // another X
  for (const char* output : {"entropy", "score"}) {
    const ScoreModel m(p, net, output, 1.0, 1.0, 3);
    auto e_x = m.residual(z, s, block(1)), e_y = m.residual(z, s, block(2));
    EXPECT_TRUE(torch::allclose(e_x, m.residual(z_y, s, block(1)))) << output;  // X alone never sees Y
    EXPECT_TRUE(torch::allclose(e_y, m.residual(z_x, s, block(2)))) << output;
    EXPECT_EQ(e_x.narrow(1, 3, 2).abs().max().item<double>(), 0.0) << output;   // nor models it
    EXPECT_EQ(e_y.narrow(1, 0, 3).abs().max().item<double>(), 0.0) << output;
    EXPECT_GT(e_x.narrow(1, 0, 3).abs().max().item<double>(), 0.0) << output;
    EXPECT_FALSE(torch::allclose(m.residual(z, s, block(0)), m.residual(z_y, s, block(0)))) << output;
  }
  // The loss of X-alone rows does not depend on Y; that of joint rows does.
  const DenoisingObjective objective(*p, ObjectiveOptions().p_uncond(0.0));
  auto loss = [&](const torch::Tensor& x0, int64_t k) {
    auto g = make_generator(7);
    return objective.loss(model, x0, g, torch::full({4}, k, torch::kInt64)).item<double>();
  };
  EXPECT_DOUBLE_EQ(loss(z, 1), loss(z_y, 1));
  EXPECT_DOUBLE_EQ(loss(z, 2), loss(z_x, 2));
  EXPECT_NE(loss(z, 0), loss(z_y, 0));
  EXPECT_THROWS_WITH(model.residual(z, s), "a joint model needs [4] int64 block labels (0 all of Z, 1 X, 2 Y)");  // a joint model needs block labels
  auto [stacked, blocks] = stack_joint(torch::ones({2, 3}), torch::zeros({2, 2}));
  EXPECT_EQ(stacked.sizes(), (std::vector<int64_t>{6, 5}));
  EXPECT_TRUE(torch::equal(blocks, torch::tensor({0, 0, 1, 1, 2, 2}, torch::kInt64)));
}

}  // namespace
}  // namespace diffinfo
