// libFuzzer target: JSON read as a run configuration, a model card and a law's spec (io/json_file.h,
// train/run.h RunConfig::from_json, model/model_card.h, analytic/mixture.h).
#include "diffinfo/analytic/mixture.h"
#include "diffinfo/io/json_file.h"
#include "diffinfo/model/model_card.h"
#include "diffinfo/train/run.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  diffinfo::fuzz::run(data, size, ".json", [](const std::string& path) {
    const auto j = diffinfo::read_json(path, "a run configuration");
    (void)diffinfo::RunConfig::from_json(j, path);
  });
  diffinfo::fuzz::run(data, size, ".json", [](const std::string& path) { (void)diffinfo::read_card(path); });
  diffinfo::fuzz::run(data, size, ".json", [](const std::string& path) {
    const auto j = diffinfo::read_json(path, "a spec");
    (void)diffinfo::in_file(path, [&] { return diffinfo::GaussianMixture::from_spec(j); });
  });
  return 0;
}
