// Foreign or corrupt checkpoints are refused with a message naming the file.
#include "diffinfo/measure/reference.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/random.h"
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/trainer.h"
#include <filesystem>
#include <map>
#include <sstream>
#include "support.h"

namespace diffinfo {
namespace {

using test::scratch_dir;

using test::slurp;

using test::spit;

GaussianData law2d() {
  return GaussianData(torch::tensor({0.5, -0.3}, torch::kFloat64), torch::tensor({{0.6, 0.25}, {0.25, 0.2}}, torch::kFloat64));
}

RunConfig small_config(int64_t steps, const std::string& process = "vp") {
  RunConfig c;
  c.process = make_process(process)->config();
  c.model = NetworkOptions(2).width(64).depth(2);
  c.train.steps(steps).batch_size(128).checkpoint_every(20).log_every(10).warmup(10);
  c.data_path = "memory";
  c.data_var = 0.4;
  return c;
}

torch::Tensor data2d(int64_t n = 4000) {
  auto gen = make_generator(0);
  return law2d().as_mixture().sample(n, gen);
}

TEST(Train, ForeignOrCorruptCheckpointsAreRejected) {
  const auto dir = scratch_dir();
  auto x = data2d();
  train(small_config(20), x, dir + "/run", false, torch::kCPU);
  auto wider = small_config(20);
  wider.model.width(32);
  Mlp net(wider.model), ema(wider.model);
  try {
    load_checkpoint(dir + "/run/checkpoint.pt", wider.to_json(), net, ema, nullptr);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint is from another model: /model/width is 64 in the checkpoint, 32 expected"),
              std::string::npos)
        << e.what();
  }
  const auto bytes = slurp(dir + "/run/checkpoint.pt");
  spit(dir + "/run/checkpoint.pt", bytes.substr(0, bytes.size() / 2));
  try {
    load_run(dir + "/run", torch::kCPU);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint.pt: not a diffinfo checkpoint"), std::string::npos) << e.what();
  }
  std::filesystem::remove(dir + "/run/checkpoint.pt");
  EXPECT_THROWS_WITH(load_run(dir + "/run", torch::kCPU), "run/checkpoint.pt: checkpoint not found");
}

}  // namespace
}  // namespace diffinfo
