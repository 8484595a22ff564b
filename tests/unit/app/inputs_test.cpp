// The inputs every command reads: devices, specs, the model and the rows it is measured on, each bad
// one a message naming it.
#include "diffinfo/app/inputs.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/train/trainer.h"

#include <torch/script.h>
#include "support.h"

namespace diffinfo {
namespace {

TEST(Inputs, DevicesAndSpecsAreNamedWhenBad) {
  EXPECT_EQ(app::device_from_name("cpu"), torch::Device(torch::kCPU));
  EXPECT_THROWS_WITH(app::device_from_name("tpu"), "unknown device 'tpu' (expected cpu, cuda or cuda:N)");
  const auto dir = test::scratch_dir();
  test::spit(dir + "/s.json", "{not json");
  EXPECT_THROWS_WITH(app::read_spec(dir + "/s.json"), dir + "/s.json: not valid JSON");
  test::spit(dir + "/t.json", "{}");
  EXPECT_THROWS_WITH(app::with_spec(dir + "/t.json", [](const nlohmann::json&) -> int { throw std::runtime_error("no law"); }),
                     dir + "/t.json: no law");
}

TEST(Inputs, AModelAndItsRowsAreCheckedAgainstEachOther) {
  const auto dir = test::scratch_dir();
  RunConfig c;
  c.process = make_process("vp")->config();
  c.model = NetworkOptions(2).width(16).depth(1);
  c.train.steps(2).batch_size(16).checkpoint_every(2);
  c.data_path = dir + "/x.npy";
  const auto x = torch::randn({64, 2}, torch::kFloat64);
  write_npy(c.data_path, x);
  train(c, x, dir + "/run", false, torch::kCPU);
  const auto model = app::load_model({dir + "/run"}, torch::kCPU);
  EXPECT_EQ(model.step, 2);
  EXPECT_EQ(model.name, dir + "/run");
  EXPECT_EQ(app::load_data(model, "").x.size(0), 64);
  write_npy(dir + "/wide.npy", torch::randn({8, 3}, torch::kFloat64));
  EXPECT_THROWS_WITH(app::load_data(model, dir + "/wide.npy"), dir + "/wide.npy: has 3 columns, the run in " + dir + "/run was trained on 2");
  EXPECT_THROWS_WITH(app::load_condition(model, "", ""), dir + "/run: the run was trained without conditioning");
  const auto e = model.residual()(torch::zeros({4, 2}), torch::full({4, 1}, 0.5));
  EXPECT_EQ(e.sizes(), torch::IntArrayRef({4, 2}));
  EXPECT_THROWS_WITH(app::load_model({dir + "/none"}, torch::kCPU), dir + "/none/config.json: not found");
}

TEST(Inputs, ATorchScriptModelIsAModelSourceLikeARun) {
  const auto dir = test::scratch_dir();
  torch::jit::Module m("score_of_a_standard_normal");
  m.define("def forward(self, x, t):\n    return -x\n");  // N(0, I) is VP's equilibrium: score −x at every s
  m.save(dir + "/m.pt");
  test::spit(dir + "/m.json", R"({"prediction_type": "score", "process": {"name": "vp"}})");
  write_npy(dir + "/x.npy", torch::randn({32, 2}, torch::kFloat64));
  app::ModelSource source;
  source.model = dir + "/m.pt";
  const auto model = app::load_model(source, torch::kCPU, dir + "/x.npy");
  EXPECT_STREQ(model.source_key(), "model");
  EXPECT_EQ(model.output_file("entropy_rate.csv"), dir + "/m.entropy_rate.csv");
  EXPECT_EQ(model.config.model.dim(), 2);  // from the data, as the card has no shape
  EXPECT_EQ(model.training()["card"]["time_input"], "s");
  EXPECT_EQ(app::load_data(model, dir + "/x.npy").x.size(0), 32);
  EXPECT_TRUE(model.residual()(torch::randn({4, 2}), torch::full({4, 1}, 0.3)).abs().max().item<double>() < 1e-6);
  EXPECT_THROWS_WITH(app::load_data(model, ""), dir + "/m.pt: --data X.npy is required with --model");
  write_npy(dir + "/wide.npy", torch::randn({8, 3}, torch::kFloat64));
  EXPECT_THROWS_WITH(app::load_data(model, dir + "/wide.npy"), dir + "/wide.npy: has 3 columns, the model " + dir + "/m.pt takes 2");
  // Flags lie over the card; a companion inherits what its own card leaves out.
  source.flags.prediction = Prediction::kEpsilon;
  EXPECT_EQ(app::load_model(source, torch::kCPU, dir + "/x.npy").config.output, "epsilon");
  auto companion = app::unconditional_source(source, dir + "/m.pt");
  companion.card = dir + "/absent.json";
  EXPECT_THROWS_WITH(app::load_model(companion, torch::kCPU, dir + "/x.npy"), dir + "/absent.json: cannot read");
  source.run = dir;
  EXPECT_THROWS_WITH(app::load_model(source, torch::kCPU), "give --run RUN or --model FILE.pt, not both");
  EXPECT_THROWS_WITH(app::load_model(app::ModelSource(), torch::kCPU), "give the model to measure: --run RUN or --model FILE.pt");
  test::spit(dir + "/bare.json", "{}");
  app::ModelSource bare;
  bare.model = dir + "/m.pt";
  bare.card = dir + "/bare.json";
  EXPECT_THROWS_WITH(app::load_model(bare, torch::kCPU, dir + "/x.npy"), dir + "/m.pt: say which process");
}

TEST(Inputs, ThePriorOfLabelsNeedsEveryClass) {
  const auto prior = app::class_prior(torch::tensor({0, 1, 1, 2}), 3, "l.npy");
  EXPECT_TRUE(prior.allclose(torch::tensor({0.25, 0.5, 0.25}, torch::kFloat64)));
  EXPECT_THROWS_WITH(app::class_prior(torch::tensor({0, 2}), 3, "l.npy"), "l.npy: class 1 never occurs");
}

}  // namespace
}  // namespace diffinfo
