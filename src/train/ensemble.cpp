#include "diffinfo/train/ensemble.h"

#include "diffinfo/io/files.h"
#include "diffinfo/random.h"

#include <filesystem>

namespace diffinfo {
namespace {

// Streams of the run's seed, apart from the steps' (1, 2, …) and the held-out rows'.
constexpr uint64_t kMemberSeed = 0xE45E000000000000ULL, kMemberRows = 0xE45F000000000000ULL;

}  // namespace

uint64_t training_seed(const TrainOptions& o) {
  return o.member() == 0 ? o.seed() : derive_seed(o.seed(), kMemberSeed + static_cast<uint64_t>(o.member()));
}

void bootstrap_rows(torch::Tensor& x, torch::Tensor& cond, int64_t copies, const TrainOptions& o) {
  if (o.member() == 0) return;
  const int64_t n = x.size(0) / copies;
  auto gen = make_generator(derive_seed(o.seed(), kMemberRows + static_cast<uint64_t>(o.member())));
  const auto drawn = randint(n, n, gen, torch::kCPU);
  std::vector<torch::Tensor> blocks;
  for (int64_t c = 0; c < copies; ++c) blocks.push_back(drawn + c * n);
  const auto rows = torch::cat(blocks).to(x.device());
  x = x.index_select(0, rows);
  if (cond.defined()) cond = cond.index_select(0, rows.to(cond.device()));
}

std::string member_dir(const std::string& run_dir, int64_t member) {
  return (std::filesystem::path(run_dir) / "ensemble" / std::to_string(member)).string();
}

std::vector<std::string> ensemble_members(const std::string& run_dir) {
  std::vector<std::string> members;
  for (int64_t k = 1; k < kMaxMembers && file_exists(run_file(member_dir(run_dir, k), "checkpoint.pt")); ++k)
    members.push_back(member_dir(run_dir, k));
  return members;
}

}  // namespace diffinfo
