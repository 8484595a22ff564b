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

TEST(Train, EveryFlippedBitOfACheckpointIsAnErrorNamingIt) {
  const auto dir = scratch_dir();
  train(small_config(20), data2d(), dir + "/run", false, torch::kCPU);
  const auto path = dir + "/run/checkpoint.pt";
  const auto bytes = slurp(path);
  const auto config = small_config(20).to_json();
  Mlp net(small_config(20).model), ema(small_config(20).model);
  EXPECT_EQ(load_checkpoint(path, config, net, ema, nullptr), 20);
  // 97 positions spread over the archive, its zip directory and the checksum line.
  for (size_t k = 0; k < 97; ++k) {
    auto damaged = bytes;
    const size_t at = k * (bytes.size() - 1) / 96;
    damaged[at] = char(damaged[at] ^ (1 << (k % 8)));
    spit(path, damaged);
    try {
      load_checkpoint(path, config, net, ema, nullptr);
      ADD_FAILURE() << "a flipped bit at byte " << at << " of " << bytes.size() << " loaded";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(Train, ACorruptNewestCheckpointFallsBackOnThePreviousSayingSo) {
  const auto dir = scratch_dir();
  auto c = small_config(20);
  c.train.checkpoint_every(10);
  train(c, data2d(), dir + "/run", false, torch::kCPU);  // checkpoints at 10 and 20
  const auto path = dir + "/run/checkpoint.pt";
  ASSERT_TRUE(std::filesystem::exists(previous_checkpoint(path)));
  auto bytes = slurp(path);
  bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 1);
  spit(path, bytes);
  const auto config = small_config(20).to_json();
  Mlp net(small_config(20).model), ema(small_config(20).model);
  EXPECT_THROWS_WITH(load_checkpoint(path, config, net, ema, nullptr), "checksum mismatch");  // no silent fallback
  std::string warning;
  EXPECT_EQ(load_checkpoint(path, config, net, ema, nullptr, &warning), 10);
  EXPECT_NE(warning.find("checkpoint.prev.pt (step 10)"), std::string::npos) << warning;
}

}  // namespace
}  // namespace diffinfo
