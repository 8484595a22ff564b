// libFuzzer target: .csv data (data/matrix.h load_matrix).
#include "diffinfo/data/matrix.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  diffinfo::fuzz::run(data, size, ".csv", [](const std::string& path) { (void)diffinfo::load_matrix(path); });
  return 0;
}
