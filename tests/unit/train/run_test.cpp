// The run configuration (docs/run_format.md): every field survives config.json, keys added later are
// written only when they differ from what older runs meant, and a malformed file gets one line naming it.
#include "diffinfo/train/run.h"

#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using namespace test;

RunConfig every_field_set() {
  auto c = small_config(1234);
  c.cond_kind = CondKind::kVector, c.cond_path = "/data/y.npy", c.cond_var = 2.5, c.model.cond_dim(3);
  c.objective.p_uncond(0.3).null_consistency(0.5).weighting("noise").time_sampling("uniform").s_min(1e-4);
  c.train.lr(2e-3).warmup(7).lr_final(0.1).ema_decay(0.99).seed(11).label_lr(4.0);
  c.train.holdout(0.2).patience(4).cooldown(500).stop_on("loss").precision("bfloat16").member(3);
  c.data_rows = 777, c.init_run = "/runs/base", c.ranks = 2;
  return c;
}

TEST(RunConfig, EveryFieldSurvivesItsJson) {
  const auto c = every_field_set();
  const auto j = c.to_json();
  EXPECT_EQ(j["format"], "diffinfo-run-1");
  const auto back = RunConfig::from_json(j, "config.json");
  EXPECT_EQ(back.to_json(), j);  // and so every field, key by key
  EXPECT_EQ(back.train.stop_on(), "loss");
  EXPECT_EQ(back.train.holdout(), 0.2);
  EXPECT_EQ(back.cond_kind, CondKind::kVector);
  EXPECT_EQ(back.ranks, 2);
  EXPECT_EQ(back.init_run, "/runs/base");
  EXPECT_EQ(back.train.member(), 3);
}

TEST(RunConfig, KeysAddedLaterAreAbsentAtWhatOlderRunsMeant) {
  auto c = small_config(100);
  c.data_rows = 50;
  const auto j = c.to_json();
  for (const char* key : {"holdout", "patience", "cooldown", "stop_on", "precision", "label_lr", "init", "ranks", "member"})
    EXPECT_FALSE(j["train"].contains(key)) << key;
  EXPECT_FALSE(j["objective"].contains("null_consistency"));
  const auto back = RunConfig::from_json(j, "config.json");
  EXPECT_EQ(back.train.holdout(), 0.0);
  EXPECT_EQ(back.train.patience(), 0);
  EXPECT_EQ(back.train.stop_on(), "auto");
  EXPECT_EQ(back.train.precision(), "float32");
  EXPECT_EQ(back.ranks, 1);
  EXPECT_EQ(back.train.member(), 0);
  // The test can fail: a set key is written.
  c.train.holdout(0.1).patience(5).stop_on("information");
  EXPECT_EQ(c.to_json()["train"]["stop_on"], "information");
}

TEST(RunConfig, MalformedFilesGetOneLineNamingThem) {
  auto j = small_config(100).to_json();
  auto wrong = j;
  wrong["format"] = "diffinfo-run-0";
  EXPECT_THROWS_WITH(RunConfig::from_json(wrong, "RUN/config.json"), "RUN/config.json: not a diffinfo run configuration");
  wrong = j;
  wrong["train"]["stop_on"] = "lowest";
  EXPECT_THROWS_WITH(RunConfig::from_json(wrong, "RUN/config.json"), "stop_on 'lowest' not found; known: auto, loss, information");
  wrong = j;
  wrong["train"]["ema_decay"] = 1.5;
  EXPECT_THROWS_WITH(RunConfig::from_json(wrong, "RUN/config.json"), "RUN/config.json");
  wrong = j;
  wrong["train"].erase("steps");
  EXPECT_THROWS_WITH(RunConfig::from_json(wrong, "RUN/config.json"), "steps");
}

TEST(RunConfig, StopOnNamesAreTheThree) {
  EXPECT_EQ(stop_on_names(), (std::vector<std::string>{"auto", "loss", "information"}));
  EXPECT_THROWS_WITH(check_train_options(TrainOptions().stop_on("never")), "stop_on 'never' not found");
}

}  // namespace
}  // namespace diffinfo
