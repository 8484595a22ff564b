// The inputs every command reads: devices, specs, the model and the rows it is measured on, each bad
// one a message naming it.
#include "diffinfo/app/inputs.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/train/trainer.h"
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

TEST(Inputs, ThePriorOfLabelsNeedsEveryClass) {
  const auto prior = app::class_prior(torch::tensor({0, 1, 1, 2}), 3, "l.npy");
  EXPECT_TRUE(prior.allclose(torch::tensor({0.25, 0.5, 0.25}, torch::kFloat64)));
  EXPECT_THROWS_WITH(app::class_prior(torch::tensor({0, 2}), 3, "l.npy"), "l.npy: class 1 never occurs");
}

}  // namespace
}  // namespace diffinfo
