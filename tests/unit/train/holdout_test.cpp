// The held-out rows of a run: how many, which, disjoint from training, recorded and read back.
#include "diffinfo/data/npy.h"
#include "diffinfo/train/holdout.h"
#include "diffinfo/train/trainer.h"

#include <filesystem>
#include <sstream>

#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using namespace test;

TEST(Holdout, CountIsTheFractionWithAFloorAndNeverEmptiesASide) {
  EXPECT_EQ(held_out_count(0.0, 20000), 0);
  EXPECT_EQ(held_out_count(0.1, 20000), 2000);
  EXPECT_EQ(held_out_count(0.1, 10000), 1000);
  EXPECT_EQ(held_out_count(0.1, 4000), 1000);  // the floor kMinHoldoutRows ...
  EXPECT_EQ(held_out_count(0.1, 400), 100);    // ... capped at a quarter of the rows
  EXPECT_EQ(held_out_count(0.25, 40), 10);
  EXPECT_THROWS_WITH(held_out_count(0.999, 40), "of 40 rows leaves no row on one side");
  EXPECT_THROWS_WITH(held_out_count(0.1, 3), "of 3 rows leaves no row on one side");
}

TEST(Holdout, SplitIsSeededDeterministicAndDisjoint) {
  const auto a = holdout_split(0.1, 7, 5000), b = holdout_split(0.1, 7, 5000), c = holdout_split(0.1, 8, 5000);
  EXPECT_TRUE(torch::equal(a.held_out, b.held_out));
  EXPECT_TRUE(torch::equal(a.trained, b.trained));
  EXPECT_FALSE(torch::equal(a.held_out, c.held_out));
  ASSERT_EQ(a.held_out.size(0), 1000);
  ASSERT_EQ(a.trained.size(0), 4000);
  // Every row exactly once, on one side.
  const auto all = std::get<0>(torch::sort(torch::cat({a.held_out, a.trained})));
  EXPECT_TRUE(torch::equal(all, torch::arange(5000, torch::kInt64)));
}

TEST(Holdout, RecordIsReadBackAndARunWithoutOneImpliesItsSplit) {
  const auto dir = scratch_dir();
  auto c = small_config(10);
  c.data_rows = 4000;
  c.train.holdout(0.1).seed(3);
  EXPECT_FALSE(run_holdout(dir, small_config(10)).has_value());  // --holdout 0: none
  const auto implied = run_holdout(dir, c);  // no holdout.npy: the configuration's split
  ASSERT_TRUE(implied.has_value());
  EXPECT_TRUE(torch::equal(implied->held_out, holdout_split(0.1, 3, 4000).held_out));
  write_holdout(dir, *implied);
  const auto read = run_holdout(dir, c);
  EXPECT_TRUE(torch::equal(std::get<0>(torch::sort(read->held_out)), std::get<0>(torch::sort(implied->held_out))));
  EXPECT_TRUE(torch::equal(std::get<0>(torch::sort(read->trained)), std::get<0>(torch::sort(implied->trained))));
  write_npy(dir + "/holdout.npy", torch::tensor({1, 1}, torch::kInt64));
  EXPECT_THROWS_WITH(run_holdout(dir, c), "holdout.npy: expected the distinct int64 indices");
  write_npy(dir + "/holdout.npy", torch::tensor({4000}, torch::kInt64));
  EXPECT_THROWS_WITH(run_holdout(dir, c), "of the rows held out of the run's 4000 rows");
}

// The held-out rows never enter a training batch: a run whose held-out rows are replaced by anything else
// ends with the same weights, bit for bit (one evaluation, at the end, so the best checkpoint is the last).
TEST(Holdout, HeldOutRowsNeverEnterTraining) {
  const auto dir = scratch_dir();
  const auto [c, x, other, split] = held_out_probe();
  const auto a = train(c, x, dir + "/a", false, torch::kCPU);
  const auto b = train(c, other, dir + "/b", false, torch::kCPU);
  const auto wa = load_run(dir + "/a", torch::kCPU).model->net()->parameters();
  const auto wb = load_run(dir + "/b", torch::kCPU).model->net()->parameters();
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_TRUE(torch::equal(wa[i], wb[i]));
  EXPECT_NE(a.holdout.value, b.holdout.value);  // the held-out loss did see them
  // The run records its split.
  const auto recorded = read_npy(dir + "/a/holdout.npy");
  EXPECT_TRUE(torch::equal(recorded, split.held_out));
  // Changing a trained row changes the weights: the comparison above can fail.
  auto trained_changed = x.clone();
  trained_changed.index_fill_(0, split.trained.narrow(0, 0, 100), 1e3);
  train(c, trained_changed, dir + "/c", false, torch::kCPU);
  const auto wc = load_run(dir + "/c", torch::kCPU).model->net()->parameters();
  bool all_same = true;
  for (size_t i = 0; i < wa.size(); ++i) all_same = all_same && torch::equal(wa[i], wc[i]);
  EXPECT_FALSE(all_same);
}

TEST(Holdout, CooldownAnnealsFromTheRateItFinds) {
  const auto o = TrainOptions().steps(10000).warmup(100).lr(1e-3).lr_final(0.05).cooldown(1000);
  EXPECT_DOUBLE_EQ(learning_rate(o, 4000, 0), learning_rate(o, 4000));
  EXPECT_DOUBLE_EQ(learning_rate(o, 4000, 4000), learning_rate(o, 4000));
  EXPECT_NEAR(learning_rate(o, 5000, 4000), 5e-5, 1e-15);
  EXPECT_NEAR(learning_rate(o, 6000, 4000), 5e-5, 1e-15);
  EXPECT_LT(learning_rate(o, 4500, 4000), learning_rate(o, 4400, 4000));
  EXPECT_LT(learning_rate(o, 4500, 4000), learning_rate(o, 4500));  // faster than the schedule's own decay
}

std::vector<nlohmann::json> log_lines(const std::string& run) {
  std::vector<nlohmann::json> out;
  std::istringstream in(slurp(run + "/train_log.jsonl"));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

// Patience spent starts a cool-down; the run ends cooldown steps later on its best checkpoint, and a run
// killed inside the cool-down resumes to the same end with the same weights.
TEST(Holdout, CooldownEndsTheRunAndResumesExactly) {
  const auto dir = scratch_dir();
  auto x = data2d(40);
  auto c = small_config(2000);
  c.train.holdout(0.25).patience(3).cooldown(100).checkpoint_every(50).lr(1e-2).batch_size(30).ema_decay(0.9);
  const auto whole = train(c, x, dir + "/whole", false, torch::kCPU);
  int64_t from = 0;
  double last_lr = 0;
  for (const auto& j : log_lines(dir + "/whole")) {
    if (j.contains("cooldown")) from = j["cooldown"]["from"];
    if (j.contains("lr")) last_lr = j["lr"];
  }
  ASSERT_GT(from, 0) << "patience was never spent";
  EXPECT_TRUE(whole.stopped);
  EXPECT_EQ(whole.steps, from + 100);
  EXPECT_NEAR(last_lr, 1e-2 * c.train.lr_final(), 1e-12);  // annealed to the end
  EXPECT_EQ(load_run(dir + "/whole", torch::kCPU).step, whole.best_step);
  EXPECT_EQ(load_run(dir + "/whole", torch::kCPU).config.train.cooldown(), 100);

  TrainCallbacks die;
  const int64_t kill = from + 60;
  die.progress = [kill](int64_t step, int64_t, double) {
    if (step == kill) throw std::runtime_error("killed");
  };
  EXPECT_THROWS_WITH(train(c, x, dir + "/broken", false, torch::kCPU, die), "killed");
  const auto resumed = train(c, x, dir + "/broken", true, torch::kCPU);
  EXPECT_EQ(resumed.steps, whole.steps);
  EXPECT_EQ(resumed.best_step, whole.best_step);
  const auto wa = load_run(dir + "/whole", torch::kCPU).model->net()->parameters();
  const auto wb = load_run(dir + "/broken", torch::kCPU).model->net()->parameters();
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_TRUE(torch::equal(wa[i], wb[i]));
  EXPECT_EQ(log_lines(dir + "/whole").size(), log_lines(dir + "/broken").size());
}

// A run conditioned on vectors logs the information its branches read on the held-out rows and on the
// rows trained on; a checkpoint whose held-out information fell below the kept one's while the in-sample
// one did not is worse ("memorising"). Independent x and y on few rows at a high rate: the conditional
// branch learns the training pairs, the memorisation verdict comes, and patience ends the run.
TEST(Holdout, ConditionalRunsStopWhenTheyMemoriseTheInformation) {
  const auto dir = scratch_dir();
  auto gen = make_generator(3);
  auto x = data2d(80), y = randn({80, 2}, gen, torch::dtype(torch::kFloat32));
  auto c = small_config(3000);
  c.cond_path = "memory", c.cond_kind = CondKind::kVector, c.cond_var = 1.0;
  c.model.cond_dim(2);
  c.train.holdout(0.5).patience(3).cooldown(0).checkpoint_every(50).lr(1e-2).batch_size(40).ema_decay(0.9);
  const auto result = train(c, {x, y}, dir + "/run", false, torch::kCPU);
  double kept_in_sample = 0;
  int64_t kept = 0, evaluations = 0, memorising = 0;
  for (const auto& j : log_lines(dir + "/run")) {
    if (!j.contains("holdout_loss")) continue;
    ++evaluations;
    ASSERT_TRUE(j.contains("holdout_information") && j.contains("in_sample_information")) << j.dump();
    const double in_sample = j["in_sample_information"]["value"];
    if (j.value("memorising", false)) {
      ++memorising;
      EXPECT_EQ(j["verdict"], "worse");
      const auto below = j["information_below_kept"];
      EXPECT_GT(below["value"].get<double>(), 2.0 * below["stderr"].get<double>()) << j.dump();
      EXPECT_GE(in_sample, kept_in_sample) << j.dump();
    }
    if (j["verdict"] != "worse") kept = j["step"], kept_in_sample = in_sample;
  }
  EXPECT_GT(memorising, 0) << "the conditional branch never memorised: the test cannot tell the verdicts apart";
  EXPECT_TRUE(result.stopped);
  EXPECT_LT(result.steps, 3000);
  EXPECT_EQ(result.best_step, kept);
  EXPECT_EQ(load_run(dir + "/run", torch::kCPU).step, kept);
  ASSERT_TRUE(result.holdout_information.has_value());
  EXPECT_GE(evaluations, 4);
  // Killed after its second evaluation, the run resumes, reading the information back from its log, to the
  // same end on the same weights.
  TrainCallbacks die;
  die.progress = [](int64_t step, int64_t, double) {
    if (step == 110) throw std::runtime_error("killed");
  };
  EXPECT_THROWS_WITH(train(c, {x, y}, dir + "/broken", false, torch::kCPU, die), "killed");
  const auto resumed = train(c, {x, y}, dir + "/broken", true, torch::kCPU);
  EXPECT_EQ(resumed.steps, result.steps);
  EXPECT_EQ(resumed.best_step, result.best_step);
  const auto wa = load_run(dir + "/run", torch::kCPU).model->net()->parameters();
  const auto wb = load_run(dir + "/broken", torch::kCPU).model->net()->parameters();
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_TRUE(torch::equal(wa[i], wb[i]));
}

}  // namespace
}  // namespace diffinfo
