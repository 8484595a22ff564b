// An ensemble's members (train/ensemble.h): each its own bootstrap resample of the rows trained on and its own
// seed, the run's held-out rows kept out of every one, and the run itself unchanged.
#include "diffinfo/train/ensemble.h"

#include "diffinfo/data/npy.h"
#include "diffinfo/train/holdout.h"
#include "diffinfo/train/trainer.h"

#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using namespace test;

// Rows of `x` as (first coordinate) keys: which rows a resample drew.
torch::Tensor keys(const torch::Tensor& x) { return std::get<0>(x.select(1, 0).sort()); }

TEST(Ensemble, EachMemberDrawsItsOwnResampleAndSeed) {
  const auto x = torch::arange(300, torch::kFloat32).reshape({300, 1});
  auto o = TrainOptions().seed(5);
  auto same = x.clone();
  torch::Tensor none;
  bootstrap_rows(same, none, 1, o);  // the run itself keeps its rows
  EXPECT_TRUE(torch::equal(same, x));
  EXPECT_EQ(training_seed(o), 5u);
  std::vector<torch::Tensor> drawn;
  for (int64_t k : {1, 2, 1}) {
    auto r = x.clone();
    torch::Tensor c = x.squeeze(1).to(torch::kInt64);  // a label per row rides along with its row
    bootstrap_rows(r, c, 1, TrainOptions().seed(5).member(k));
    ASSERT_EQ(r.size(0), 300);
    EXPECT_TRUE(torch::equal(r.squeeze(1).to(torch::kInt64), c));
    drawn.push_back(keys(r));
  }
  EXPECT_TRUE(torch::equal(drawn[0], drawn[2]));   // seeded
  EXPECT_FALSE(torch::equal(drawn[0], drawn[1]));  // each member its own
  // With replacement: about 1 − 1/e of the rows appear, some more than once.
  const auto distinct = std::get<0>(at::_unique(drawn[0])).size(0);
  EXPECT_GT(distinct, 160);
  EXPECT_LT(distinct, 220);
  EXPECT_NE(training_seed(TrainOptions().seed(5).member(1)), training_seed(TrainOptions().seed(5).member(2)));
  EXPECT_NE(training_seed(TrainOptions().seed(5).member(1)), 5u);
}

TEST(Ensemble, StackedCopiesOfARowAreDrawnTogether) {
  const int64_t n = 50;
  auto x = torch::arange(3 * n, torch::kFloat32).reshape({3 * n, 1});  // block c holds row i at c * n + i
  torch::Tensor none;
  bootstrap_rows(x, none, 3, TrainOptions().member(1));
  const auto v = x.squeeze(1);
  for (int64_t c = 1; c < 3; ++c) EXPECT_TRUE(torch::equal(v.narrow(0, c * n, n), v.narrow(0, 0, n) + c * n));
}

TEST(Ensemble, MembersHoldOutTheRunsRowsAndAreListedInOrder) {
  const auto dir = scratch_dir();
  const auto [c, x, other, split] = held_out_probe();
  auto member = c;
  member.train.member(1);
  train(member, x, member_dir(dir + "/a", 1), false, torch::kCPU);
  train(member, other, member_dir(dir + "/b", 1), false, torch::kCPU);
  train(c, x, dir + "/a", false, torch::kCPU);
  const auto w1 = load_run(member_dir(dir + "/a", 1), torch::kCPU).model->net()->parameters();
  const auto w1b = load_run(member_dir(dir + "/b", 1), torch::kCPU).model->net()->parameters();
  const auto w0 = load_run(dir + "/a", torch::kCPU).model->net()->parameters();
  bool same_as_run = true;
  for (size_t i = 0; i < w1.size(); ++i) {
    EXPECT_TRUE(torch::equal(w1[i], w1b[i]));  // the run's held-out rows never reach the member
    same_as_run = same_as_run && torch::equal(w1[i], w0[i]);
  }
  EXPECT_FALSE(same_as_run);  // its own rows and seed
  EXPECT_TRUE(torch::equal(read_npy(run_file(member_dir(dir + "/a", 1), "holdout.npy")), split.held_out));
  EXPECT_EQ(ensemble_members(dir + "/a"), std::vector<std::string>{member_dir(dir + "/a", 1)});
  EXPECT_TRUE(ensemble_members(dir + "/b/ensemble/1").empty());
}

}  // namespace
}  // namespace diffinfo
