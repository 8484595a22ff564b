// libFuzzer target: IDX files, plain or gzip (data/images.h read_idx).
#include "diffinfo/data/images.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  diffinfo::fuzz::run(data, size, ".idx", [](const std::string& path) { (void)diffinfo::read_idx(path); });
  return 0;
}
