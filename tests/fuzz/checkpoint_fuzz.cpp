// libFuzzer target: checkpoints (train/checkpoint.h load_checkpoint) of the run whose config.json
// DIFFINFO_FUZZ_RUN names (tests/fuzz/run.sh trains a small one; its checkpoint is the seed).
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/run.h"
#include "fuzz_support.h"

namespace {
diffinfo::RunConfig* config = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* run = std::getenv("DIFFINFO_FUZZ_RUN");
  if (run == nullptr) {
    std::fprintf(stderr, "checkpoint_fuzz: set DIFFINFO_FUZZ_RUN to a run directory (tests/fuzz/run.sh does)\n");
    std::exit(2);
  }
  config = new diffinfo::RunConfig(diffinfo::read_run_config(run));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  diffinfo::fuzz::run(data, size, ".pt", [](const std::string& path) {
    auto net = diffinfo::make_network(config->model), ema = diffinfo::make_network(config->model);
    torch::optim::Adam adam(net->parameters());
    (void)diffinfo::load_checkpoint(path, config->to_json(), net, ema, &adam);
  });
  return 0;
}
