#pragma once
// `diffinfo sample`: draws from a model by the reverse SDE or the probability-flow ODE, unconditional,
// conditional, or with classifier-free guidance (docs/math.md §5), written as .npy with their settings
// beside, and optionally drawn as an image grid.
#include "diffinfo/app/inputs.h"
#include "diffinfo/app/report.h"
#include "diffinfo/sample/sampler.h"

#include <optional>
#include <string>
#include <vector>

namespace diffinfo::app {

struct SampleRequest {
  ModelSource model;
  std::string out;                   ///< S.npy; the settings go to S.json
  std::string cond, labels;          ///< one draw per condition row
  std::optional<int64_t> n;          ///< draws; required without a condition, must match its rows with one
  std::string grid;                  ///< FILE.png or FILE.svg: the draws as images
  std::vector<int64_t> image_shape;  ///< C H W of a draw (default: from the data's image spec)
  int64_t columns = 10;              ///< images per row of the grid
  std::string device = "cpu";
  SamplerOptions options;
};

Report run_sample(const SampleRequest& request);

}  // namespace diffinfo::app
