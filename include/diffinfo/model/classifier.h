#pragma once
// A small classifier of clean images (a CNN) or of vectors (an MLP, e.g. for a DAE's latents), for an
// independent reference of label information:
// I(X; Y) ≥ H(Y) − CE, with CE the classifier's cross-entropy on held-out images (the variational
// bound of Barber & Agakov; tight when the classifier is the true posterior). MINDE's label MI should
// sit near it and below H(Y).
//
//   auto r = diffinfo::classifier_reference(train_x, train_y, test_x, test_y, {}, torch::kCPU);
//   r.information.value;   // nats, ± r.information.std_error
#include "diffinfo/estimate.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace diffinfo {

struct ClassifierOptions {
  /// Passes over the training images (default 5).
  TORCH_ARG(int64_t, epochs) = 5;
  /// Batch size (default 128).
  TORCH_ARG(int64_t, batch_size) = 128;
  /// Adam learning rate (default 1e-3).
  TORCH_ARG(double, lr) = 1e-3;
  /// Channels of the two convolution layers (default 32; the second has twice as many).
  TORCH_ARG(int64_t, channels) = 32;
  /// Seed of initialisation and batches (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
};

struct ClassifierReference {
  Estimate cross_entropy;  ///< mean −ln q(y|x) on the test images, nats
  Estimate accuracy;       ///< fraction right on the test images
  double label_entropy = 0;  ///< H(Y) of the test labels' empirical law, nats
  Estimate information;    ///< H(Y) − CE, a lower bound on I(X; Y)
  int64_t classes = 0, steps = 0;
  nlohmann::json to_json() const;
};

/// [N, C, H, W] float train images (or [N, D] vectors) and [N] int64 labels 0…K−1, the same for the test
/// rows -> the reference. Trains a 2-conv CNN (an MLP for vectors) on `device` with Adam.
ClassifierReference classifier_reference(const torch::Tensor& train_x, const torch::Tensor& train_y,
                                         const torch::Tensor& test_x, const torch::Tensor& test_y,
                                         const ClassifierOptions& options, const torch::Device& device);

}  // namespace diffinfo
