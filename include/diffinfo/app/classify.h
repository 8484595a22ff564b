#pragma once
// `diffinfo classify`: the classifier reference of label information, I(X; Y) ≥ H(Y) − CE, from a small
// CNN trained on clean images and scored on held-out ones; the yardstick for MINDE's label MI on images.
#include "diffinfo/app/report.h"
#include "diffinfo/model/classifier.h"

#include <string>
#include <vector>

namespace diffinfo::app {

struct ClassifyRequest {
  std::string data, labels, test_data, test_labels;
  std::vector<int64_t> image_shape;  ///< C H W (default: from the data's image spec)
  std::string device = "cpu";
  ClassifierOptions options;
};

Report run_classify(const ClassifyRequest& request);

}  // namespace diffinfo::app
