// The MLP takes its condition, vectors or labels with a null embedding, and checks it.
#include "diffinfo/estimate.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/random.h"
#include "diffinfo/train/objective.h"
#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using test::within_stderr;
using namespace test;

TEST(Model, ConditioningInputIsUsedAndChecked) {
  auto net = random_net(2, 3);
  auto x = torch::randn({4, 2}), tau = torch::rand({4, 1});
  auto a = net->forward(x, tau, torch::zeros({4, 3})), b = net->forward(x, tau, torch::ones({4, 3}));
  EXPECT_FALSE(torch::allclose(a, b));
  // The null condition is its own input (not y = 0), and keep = false selects it row by row.
  auto null = net->forward(x, tau);
  EXPECT_FALSE(torch::allclose(null, a));
  auto keep = torch::tensor({true, false, true, false});
  auto mixed = net->forward(x, tau, {torch::ones({4, 3}), keep});
  EXPECT_TRUE(torch::allclose(mixed.index({keep}), b.index({keep})));
  EXPECT_TRUE(torch::allclose(mixed.index({~keep}), null.index({~keep})));
  EXPECT_THROWS_WITH(net->forward(x, tau, torch::zeros({4, 2})), "network expected a [4, 3] conditioning vector, got [4, 2]");
}

TEST(Model, LabelConditioningUsesANullEmbedding) {
  Mlp net(NetworkOptions(2).width(16).depth(1).classes(3));
  auto gen = make_generator(0);
  net->reset_parameters(gen);
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.normal_(0, 1, gen);  // a non-zero output layer
  auto x = torch::randn({3, 2}), tau = torch::rand({3, 1});
  auto by_label = net->forward(x, tau, torch::tensor({0, 1, 2}));
  auto same = net->forward(x, tau, torch::tensor({0, 0, 0}));
  EXPECT_TRUE(torch::allclose(by_label[0], same[0]));
  EXPECT_FALSE(torch::allclose(by_label[1], same[1]));
  auto null = net->forward(x, tau);
  auto dropped = net->forward(x, tau, {torch::tensor({0, 1, 2}), torch::tensor({false, false, true})});
  EXPECT_TRUE(torch::allclose(dropped.slice(0, 0, 2), null.slice(0, 0, 2)));
  EXPECT_TRUE(torch::allclose(dropped[2], by_label[2]));
  EXPECT_THROWS_WITH(net->forward(x, tau, torch::zeros({3, 1})), "network expected [3] int64 labels, got [3, 1] Float");  // float labels
  EXPECT_THROWS_WITH(Mlp(NetworkOptions(2).cond_dim(2).classes(3)), "MLP conditions on vectors or on labels, not both (cond_dim 2, classes ");
}

}  // namespace
}  // namespace diffinfo
