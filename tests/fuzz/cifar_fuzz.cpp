// libFuzzer target: CIFAR-10 binary batches (data/images.h read_cifar10).
#include "diffinfo/data/images.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  diffinfo::fuzz::run(data, size, ".bin", [](const std::string& path) { (void)diffinfo::read_cifar10({path}); });
  return 0;
}
