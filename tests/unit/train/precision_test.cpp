// bfloat16 training: products in bfloat16 inside the scope only, a run that stays close to float32's
// and resumes exactly, and the precision kept in the run's configuration.
#include "diffinfo/train/precision.h"

#include "diffinfo/model/network.h"
#include "diffinfo/random.h"
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/trainer.h"
#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using namespace test;

TEST(ReducedPrecision, ProductsInBfloat16WhileItLivesAndFloat32After) {
  const auto a = torch::randn({8, 8});
  {
    const ReducedPrecision scope("bfloat16", torch::kCPU);
    EXPECT_EQ(torch::mm(a, a).scalar_type(), torch::kBFloat16);
    EXPECT_EQ(torch::exp(a).scalar_type(), torch::kFloat32);  // only products and convolutions
  }
  EXPECT_EQ(torch::mm(a, a).scalar_type(), torch::kFloat32);
  {
    const ReducedPrecision scope("float32", torch::kCPU);
    EXPECT_EQ(torch::mm(a, a).scalar_type(), torch::kFloat32);
  }
  EXPECT_THROWS_WITH(ReducedPrecision("half", torch::kCPU), "precision 'half' not found; known: float32, bfloat16");
}

std::vector<torch::Tensor> ema_of(const std::string& dir) {
  std::vector<torch::Tensor> out;
  for (auto& p : load_run(dir, torch::kCPU).model->net()->parameters()) out.push_back(p.detach().clone());
  return out;
}

TEST(ReducedPrecision, TrainsCloseToFloat32AndResumesExactly) {
  const auto dir = scratch_dir();
  const auto x = data2d();
  auto bf16 = small_config(60);
  bf16.train.precision("bfloat16");
  const auto full = train(small_config(60), x, dir + "/f32", false, torch::kCPU);
  const auto low = train(bf16, x, dir + "/bf16", false, torch::kCPU);
  // Same seeds and draws: the runs part by bfloat16's rounding of the products alone (8 bits of
  // mantissa, 0.4 %), far less than the loss's own scatter from step to step (about 10 %).
  EXPECT_NEAR(low.final_loss, full.final_loss, 0.02 * full.final_loss);
  EXPECT_NE(low.final_loss, full.final_loss);
  // The EMA weights part by a small fraction of how far training moved them from their seeded start
  // (2.5 % on this machine's AMX; other CPUs' bfloat16 kernels round differently).
  auto init = make_network(bf16.model);
  auto gen = make_generator(derive_seed(bf16.train.seed(), 0));
  init->reset_parameters(gen);
  const auto a = ema_of(dir + "/f32"), b = ema_of(dir + "/bf16"), s = init->parameters();
  double moved = 0, apart = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    moved = std::max(moved, (a[i] - s[i]).abs().max().item<double>());
    apart = std::max(apart, (a[i] - b[i]).abs().max().item<double>());
  }
  EXPECT_GT(apart, 0.0);
  EXPECT_LT(apart, 0.1 * moved) << "apart " << apart << ", moved " << moved;
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/bf16/config.json"))["train"]["precision"], "bfloat16");
  EXPECT_FALSE(nlohmann::json::parse(slurp(dir + "/f32/config.json"))["train"].contains("precision"));

  // Killed at step 50 and resumed: the weights of the unbroken run, bit for bit.
  TrainCallbacks die;
  die.progress = [](int64_t step, int64_t, double) {
    if (step == 50) throw std::runtime_error("killed");
  };
  EXPECT_THROWS_WITH(train(bf16, x, dir + "/broken", false, torch::kCPU, die), "killed");
  train(bf16, x, dir + "/broken", true, torch::kCPU);
  const auto c = ema_of(dir + "/broken");
  for (size_t i = 0; i < b.size(); ++i) EXPECT_TRUE(torch::equal(b[i], c[i])) << "parameter " << i;
}

}  // namespace
}  // namespace diffinfo
