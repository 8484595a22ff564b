// A run's configuration assembled from a request: the kind of model from the flags, the default steps
// of a conditional run, the data's scales, and what a resumed or fine-tuned run may not change.
#include "diffinfo/app/train.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/data/scale.h"
#include "support.h"

namespace diffinfo {
namespace {

struct Files {
  std::string dir, x, labels, y;
};

Files write_files() {
  Files f;
  f.dir = test::scratch_dir();
  f.x = f.dir + "/x.npy", f.labels = f.dir + "/l.npy", f.y = f.dir + "/y.npy";
  write_npy(f.x, 2.0 * torch::randn({40, 3}, torch::kFloat64));
  write_npy(f.labels, torch::arange(40, torch::kInt64) % 4);
  write_npy(f.y, torch::randn({40, 2}, torch::kFloat64));
  return f;
}

TEST(TrainRequest, TheKindOfModelComesFromTheFlags) {
  const auto f = write_files();
  app::TrainRequest r;
  r.data = f.x, r.out = f.dir + "/run";
  const auto plain = app::prepare_run(r);
  EXPECT_EQ(plain.config.cond_kind, CondKind::kNone);
  EXPECT_EQ(plain.config.train.steps(), TrainOptions().steps());
  EXPECT_EQ(plain.config.data_rows, 40);
  EXPECT_NEAR(plain.config.data_var, plain.data.x.var(0).mean().item<double>(), 1e-12);
  r.labels = f.labels;
  const auto labelled = app::prepare_run(r);
  EXPECT_EQ(labelled.config.cond_kind, CondKind::kLabels);
  EXPECT_EQ(labelled.config.model.classes(), 4);
  EXPECT_EQ(labelled.config.train.steps(), kConditionalSteps);  // conditional runs train longer by default
  r.steps_given = true, r.train.steps(7);
  EXPECT_EQ(app::prepare_run(r).config.train.steps(), 7);
  r.labels.clear(), r.joint = f.y;
  const auto joint = app::prepare_run(r);
  EXPECT_EQ(joint.config.joint_split, 3);
  EXPECT_EQ(joint.config.model.dim(), 5);
  EXPECT_EQ(joint.data.x.size(0), 120);  // Z, X alone and Y alone
  EXPECT_EQ(joint.config.data_rows, 40);
  r.joint.clear(), r.marginals = true;
  const auto marginals = app::prepare_run(r);
  EXPECT_EQ(marginals.config.model.classes(), 3);
  EXPECT_EQ(marginals.config.model.dim(), 1);
}

TEST(TrainRequest, HeavyTailedDataAreScaledByTheirQuartilesAndSaidSo) {
  const auto f = write_files();
  auto gen = at::detail::createCPUGenerator(5);
  const auto cauchy = torch::randn({2000, 2}, gen, torch::kFloat64) / torch::randn({2000, 2}, gen, torch::kFloat64).abs();
  write_npy(f.dir + "/cauchy.npy", cauchy);
  app::TrainRequest r;
  r.data = f.dir + "/cauchy.npy", r.cond = f.dir + "/cauchy.npy", r.out = f.dir + "/run";
  const auto run = app::prepare_run(r);
  EXPECT_EQ(run.config.data_var, data_scale(cauchy).quartile);
  EXPECT_EQ(run.config.cond_var, data_scale(cauchy).quartile);
  ASSERT_EQ(run.warnings.size(), 3u);
  EXPECT_NE(run.warnings[0].find(f.dir + "/cauchy.npy: heavy tails"), std::string::npos) << run.warnings[0];
  EXPECT_EQ(run.config.output, "score");  // the entropy output must grow like x in the tails
  EXPECT_NE(run.warnings[2].find("--output score"), std::string::npos) << run.warnings[2];
  r.cond = f.y;  // Gaussian conditions keep their variance, without a word
  const auto mixed = app::prepare_run(r);
  EXPECT_EQ(mixed.warnings.size(), 2u);
  EXPECT_NEAR(mixed.config.cond_var, mixed.data.cond.var(0).mean().item<double>(), 1e-12);
  r.shape_given = {"--output"};  // a choice the user made is kept
  EXPECT_EQ(app::prepare_run(r).config.output, "entropy");
  r.data = f.x, r.shape_given.clear();  // Gaussian data keep the entropy output
  EXPECT_EQ(app::prepare_run(r).config.output, "entropy");
}

TEST(TrainRequest, BadCombinationsAreNamed) {
  const auto f = write_files();
  app::TrainRequest r;
  r.out = f.dir + "/run";
  EXPECT_THROWS_WITH(app::prepare_run(r), "--data is required");
  r.data = f.x;
  r.train.label_lr(2.0);
  EXPECT_THROWS_WITH(app::prepare_run(r), "--label-lr sets how fast labels are learned: it needs --labels");
  r.train.label_lr(1.0), r.objective.null_consistency(1.0);
  EXPECT_THROWS_WITH(app::prepare_run(r), "--null-consistency trains the null condition");
  r.objective.null_consistency(0.0), r.marginals = true, r.labels = f.labels;
  EXPECT_THROWS_WITH(app::prepare_run(r), "--marginals takes no --cond or --labels");
  write_npy(f.dir + "/const.npy", torch::ones({10, 2}, torch::kFloat64));
  app::TrainRequest c;
  c.data = f.dir + "/const.npy", c.out = f.dir + "/run";
  EXPECT_THROWS_WITH(app::prepare_run(c), f.dir + "/const.npy: every column is constant");
}

TEST(TrainRequest, AResumedRunKeepsItsConfigurationAndAFineTuneItsNetwork) {
  const auto f = write_files();
  app::TrainRequest r;
  r.data = f.x, r.out = f.dir + "/run", r.steps_given = true, r.train.steps(2).checkpoint_every(2);
  app::run_train(r, {});
  app::TrainRequest resume;
  resume.out = r.out, resume.resume = true, resume.fixed_given = {"--lr"};
  EXPECT_THROWS_WITH(app::prepare_run(resume), "--lr cannot change on --resume: the run keeps its configuration");
  resume.fixed_given.clear(), resume.labels = f.labels;
  EXPECT_THROWS_WITH(app::prepare_run(resume), "--cond, --labels, --joint and --marginals cannot change on --resume");
  resume.labels.clear(), resume.steps_given = true, resume.train.steps(5);
  EXPECT_EQ(app::prepare_run(resume).config.train.steps(), 5);
  app::TrainRequest tune;
  tune.data = f.x, tune.out = f.dir + "/tune", tune.init = r.out, tune.shape_given = {"--width"};
  EXPECT_THROWS_WITH(app::prepare_run(tune), "--width comes from the --init run " + r.out);
  tune.shape_given.clear();
  EXPECT_EQ(app::prepare_run(tune).config.data_var, app::prepare_run(resume).config.data_var);
  tune.labels = f.labels;
  EXPECT_THROWS_WITH(app::prepare_run(tune), "the run's condition is none, this run's is labels");
}

}  // namespace
}  // namespace diffinfo
