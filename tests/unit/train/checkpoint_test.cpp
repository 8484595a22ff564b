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
#include "test_models.h"

namespace diffinfo {
namespace {

using namespace test;

using test::scratch_dir;

using test::slurp;

using test::spit;

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
