// libFuzzer target: .npy data and label files (data/matrix.h load_matrix, load_labels).
#include "diffinfo/data/matrix.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  diffinfo::fuzz::run(data, size, ".npy", [](const std::string& path) { (void)diffinfo::load_matrix(path); });
  diffinfo::fuzz::run(data, size, ".npy", [](const std::string& path) { (void)diffinfo::load_labels(path, 0); });
  return 0;
}
