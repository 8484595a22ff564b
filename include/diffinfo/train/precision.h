#pragma once
// The arithmetic of the training steps' forward passes: float32, or bfloat16 matrix products and
// convolutions under LibTorch's autocast (on CPUs with AMX or AVX-512-BF16, through oneDNN; on GPUs).
// The weights, Adam's moments, the EMA and every measurement stay float32 (docs/performance.md).
//
//   {
//     diffinfo::ReducedPrecision scope(options.precision(), device);   // the forward pass only
//     loss = objective.loss(model, x0, gen);
//   }
//   loss.backward();   // each product's backward in the dtype its forward ran in

#include <torch/torch.h>

#include <string>
#include <vector>

namespace diffinfo {

/// The known precisions, in order: float32 (default), bfloat16.
std::vector<std::string> precision_names();

class ReducedPrecision {
 public:
  /// Autocast to bfloat16 on `device` while this object lives, for "bfloat16"; nothing for "float32".
  ReducedPrecision(const std::string& precision, const torch::Device& device);
  ~ReducedPrecision();
  ReducedPrecision(const ReducedPrecision&) = delete;
  ReducedPrecision& operator=(const ReducedPrecision&) = delete;

 private:
  bool on_ = false, was_enabled_ = false;
  torch::DeviceType device_ = torch::kCPU;
  at::ScalarType was_dtype_ = at::kBFloat16;
};

}  // namespace diffinfo
