#pragma once
// `diffinfo data` and `diffinfo images`: the arrays measurements run on, written as .npy with the spec
// of what they are beside (x.npy -> x.spec.json): synthetic laws known exactly, benchmark tasks with
// their true MI, and real images scaled to training arrays.
#include "diffinfo/app/report.h"
#include "diffinfo/analytic/bmi.h"
#include "diffinfo/analytic/synthetic.h"

#include <string>
#include <vector>

namespace diffinfo::app {

struct DataRequest {
  std::string law;                  ///< gaussian | mixture | uniform | joint-gaussian | bmi
  std::string out, y_out, labels_out;  ///< X.npy; Y (default X_y.npy) and labels (default X_labels.npy) beside
  int64_t n = 10000;
  uint64_t seed = 0;                ///< of the samples (each law has a seed of its own)
  GaussianSpec gaussian;
  MixtureSpec mixture;
  UniformSpec uniform;
  JointGaussianSpec joint;
  std::string task;                 ///< bmi: the task name
};

/// Draws the law's samples and writes them with their spec.
Report run_data(const DataRequest& request);

/// The known laws of `diffinfo data`, in order.
std::vector<std::string> data_law_names();

struct ImagesRequest {
  std::string idx_images, idx_labels;  ///< IDX files (plain or .gz); both empty with no CIFAR: Debian's Fashion-MNIST
  std::vector<std::string> cifar;      ///< CIFAR-10 binary batches
  std::string split = "train";         ///< Fashion-MNIST's split when no file is given: train | test
  std::string scale = "minus-one-one"; ///< minus-one-one | zero-one
  std::string layout = "flat";         ///< flat [N, C·H·W] | nchw
  std::string out, labels_out;
  std::vector<int64_t> classes;        ///< keep only these
  int64_t n = 0;                       ///< keep this many, drawn without replacement (0: all)
  uint64_t seed = 0;
};

/// Where Debian's dataset-fashion-mnist puts its IDX files.
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

Report run_images(const ImagesRequest& request);

}  // namespace diffinfo::app
