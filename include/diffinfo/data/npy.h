#pragma once
// NumPy .npy files (format versions 1.0–3.0): little-endian float32, float64, int32,
// int64 or uint8 arrays in C order. Every malformed file is one clear error naming it.
//
//   torch::Tensor x = diffinfo::read_npy("x.npy");      // dtype as stored
//   diffinfo::write_npy("y.npy", x);                     // atomic
#include <torch/torch.h>

#include <string>

namespace diffinfo {

/// The array in `path`, with its stored dtype and shape.
torch::Tensor read_npy(const std::string& path);
/// Writes a CPU-copied, contiguous `array` (float32, float64, int32, int64, uint8), atomically.
void write_npy(const std::string& path, const torch::Tensor& array);

}  // namespace diffinfo
