// The denoising objective: importance and uniform times estimate the same objective; null consistency; bad
// options.
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

std::shared_ptr<const ForwardProcess> vp() { return std::shared_ptr<const ForwardProcess>(make_process("vp")); }

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
  EXPECT_THROWS_WITH(DenoisingObjective(*p, ObjectiveOptions().null_consistency(-1.0)), "null_consistency must be >= 0, got -1");
}

TEST(Objective, SharesOfABatchAddUpToItsLossOnTheSameDraws) {
  // A data-parallel step (docs/distributed.md): every share draws the whole batch's (s, ε, keep), so the
  // shares' losses, each its rows' sum over the batch size, add up to the unshared loss, null term included.
  auto p = vp();
  Mlp net(NetworkOptions(2).width(16).depth(1).classes(3));
  auto init = make_generator(0);
  net->reset_parameters(init);
  ScoreModel model(p, net, "entropy", 1.0);
  DenoisingObjective objective(*p, ObjectiveOptions().p_uncond(0.5).null_consistency(1.0));
  auto x0 = torch::randn({37, 2});
  auto labels = torch::randint(0, 3, {37}, torch::kInt64);
  torch::NoGradGuard no_grad;
  auto gen = make_generator(7);
  const double whole = objective.loss(model, x0, gen, labels).item<double>();
  double parts = 0;
  for (auto [begin, end] : {std::pair<int64_t, int64_t>{0, 12}, {12, 25}, {25, 37}}) {
    auto g = make_generator(7);
    parts += objective.loss(model, x0, g, labels, BatchShare{begin, end}).item<double>();
  }
  EXPECT_NEAR(parts, whole, 1e-5 * std::abs(whole));
  auto other = make_generator(8);  // the test can fail: other draws give another loss
  EXPECT_GT(std::abs(objective.loss(model, x0, other, labels).item<double>() - whole), 1e-3 * std::abs(whole));
}

TEST(Objective, BranchRowsAreBothBranchesOnTheSameDraws) {
  // The held-out information of a conditional run (train/holdout.h): each row with its own condition and
  // with the null condition, on one draw of (s, ε) — the losses row_losses gives with no row dropped and
  // with no condition at all, from the same generator state.
  auto p = vp();
  ScoreModel model(p, random_net(2, 3), "entropy", 1.0);
  DenoisingObjective objective(*p, ObjectiveOptions().p_uncond(0.2));
  auto x0 = torch::randn({50, 2}), y = torch::randn({50, 3});
  torch::NoGradGuard no_grad;
  auto gen = make_generator(9), kept = make_generator(9), null = make_generator(9);
  const auto rows = objective.branch_rows(model, x0, gen, y);
  EXPECT_TRUE(torch::allclose(rows.conditional, DenoisingObjective(*p, ObjectiveOptions().p_uncond(0.0)).row_losses(model, x0, kept, y)));
  EXPECT_TRUE(torch::allclose(rows.null, objective.row_losses(model, x0, null)));
  EXPECT_GT((rows.conditional - rows.null).abs().max().item<double>(), 1e-3);  // the condition matters to this net
  auto g = make_generator(9);
  EXPECT_THROWS_WITH(objective.branch_rows(model, x0, g, {}), "branch_rows needs a condition");
}

TEST(Objective, UnknownWeightingIsAnError) {
  auto p = vp();
  EXPECT_THROWS_WITH(DenoisingObjective(*p, ObjectiveOptions().weighting("snr")), "weighting 'snr' not found; known: likelihood, noise, none");
  EXPECT_THROWS_WITH(DenoisingObjective(*p, ObjectiveOptions().time_sampling("beta")), "time sampling 'beta' not found; known: importance, uniform");
  for (const char* w : {"likelihood", "noise", "none"}) EXPECT_NO_THROW(DenoisingObjective(*p, ObjectiveOptions().weighting(w)));
}

}  // namespace
}  // namespace diffinfo
