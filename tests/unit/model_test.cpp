// Networks, parameterisations and the objective's weighting.
#include "diffinfo/estimate.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/random.h"
#include "diffinfo/train/objective.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

std::shared_ptr<const ForwardProcess> vp() { return std::shared_ptr<const ForwardProcess>(make_process("vp")); }

Mlp random_net(int64_t dim, int64_t cond_dim = 0) {
  Mlp net(NetworkOptions(dim).width(32).depth(2).cond_dim(cond_dim));
  auto gen = make_generator(1);
  net->reset_parameters(gen);
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.add_(0.1 * torch::randn(p.sizes(), gen, torch::kFloat32));  // non-zero output
  return net;
}

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
  EXPECT_THROW(ScoreModel(p, random_net(3), "epsilon", 1.0), c10::Error);
  EXPECT_THROW(ScoreModel(p, random_net(3), "score", 0.0), c10::Error);
}

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
  EXPECT_THROW(net->forward(x, tau, torch::zeros({4, 2})), c10::Error);
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
  EXPECT_THROW(net->forward(x, tau, torch::zeros({3, 1})), c10::Error);  // float labels
  EXPECT_THROW(Mlp(NetworkOptions(2).cond_dim(2).classes(3)), c10::Error);
}

TEST(Objective, ImportanceAndUniformTimesEstimateTheSameObjective) {
  // λ/p makes the objective independent of how s is drawn; checks the weight of each sampler.
  auto p = vp();
  ScoreModel model(p, random_net(2), "entropy", 1.0);
  auto x0 = torch::randn({4096, 2});
  torch::NoGradGuard no_grad;
  std::vector<Estimate> means;
  for (const char* kind : {"importance", "uniform"}) {
    DenoisingObjective objective(*p, ObjectiveOptions().time_sampling(kind).s_min(1e-2));
    auto gen = make_generator(3);
    std::vector<double> batches;
    for (int i = 0; i < 200; ++i) batches.push_back(objective.loss(model, x0, gen).item<double>());
    means.push_back(mean_estimate(torch::tensor(batches, torch::kFloat64)));
  }
  EXPECT_TRUE(within_stderr(means[0].value, means[1].value, std::hypot(means[0].std_error, means[1].std_error)));
}

TEST(Objective, NullConsistencyPullsOnlyTheNullOutputTowardItsRowsConditions) {
  auto p = vp();
  Mlp net(NetworkOptions(2).width(16).depth(1).classes(3));
  auto init = make_generator(0);
  net->reset_parameters(init);
  {
    torch::NoGradGuard no_grad;
    for (auto& w : net->parameters()) w.normal_(0, 0.5, init);  // every label its own output
  }
  ScoreModel model(p, net, "entropy", 1.0);
  auto x0 = torch::randn({64, 2}), labels = torch::randint(0, 3, {64}, torch::kInt64);
  std::vector<torch::Tensor> losses;
  for (double weight : {0.0, 1.0, 2.0}) {
    DenoisingObjective objective(*p, ObjectiveOptions().p_uncond(0.5).null_consistency(weight));
    auto gen = make_generator(5);  // the same draws for each weight: the term adds no draws of its own
    losses.push_back(objective.loss(model, x0, gen, labels));
  }
  const auto pull = losses[1] - losses[0];
  EXPECT_GT(pull.item<double>(), 0.0);
  EXPECT_NEAR((losses[2] - losses[0]).item<double>(), 2.0 * pull.item<double>(), 1e-4 * pull.item<double>());
  // The target is held fixed: the pull moves the null label's embedding (row 3) and never a class's.
  net->zero_grad();
  pull.backward();
  const auto grad = net->named_parameters()["embed.weight"].grad();
  EXPECT_GT(grad[3].abs().max().item<double>(), 1e-3);
  EXPECT_LT(grad.slice(0, 0, 3).abs().max().item<double>(), 1e-6 * grad[3].abs().max().item<double>());
  // Without a condition there are no null rows to pull.
  auto gen0 = make_generator(5), gen1 = make_generator(5);
  EXPECT_TRUE(torch::equal(DenoisingObjective(*p, ObjectiveOptions()).loss(model, x0, gen0),
                           DenoisingObjective(*p, ObjectiveOptions().null_consistency(1.0)).loss(model, x0, gen1)));
  EXPECT_THROW(DenoisingObjective(*p, ObjectiveOptions().null_consistency(-1.0)), c10::Error);
}

TEST(Objective, UnknownWeightingIsAnError) {
  auto p = vp();
  EXPECT_THROW(DenoisingObjective(*p, ObjectiveOptions().weighting("snr")), c10::Error);
  EXPECT_THROW(DenoisingObjective(*p, ObjectiveOptions().time_sampling("beta")), c10::Error);
  for (const char* w : {"likelihood", "noise", "none"}) EXPECT_NO_THROW(DenoisingObjective(*p, ObjectiveOptions().weighting(w)));
}

}  // namespace
}  // namespace diffinfo
