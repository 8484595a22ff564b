#pragma once
// Explicit, seeded randomness (house rule 4). Draws are made on the CPU with a
// generator the caller owns and then moved to the target device, so the same
// seed gives the same numbers on every device.
//
//   auto gen = diffinfo::make_generator(seed);
//   auto eps = diffinfo::randn({256, 6}, gen, torch::dtype(torch::kFloat32).device(device));
#include <torch/torch.h>

#include <cstdint>

namespace diffinfo {

/// A CPU generator seeded with `seed`.
torch::Generator make_generator(uint64_t seed);

/// A seed derived from (seed, stream): independent streams, e.g. one per training step.
uint64_t derive_seed(uint64_t seed, uint64_t stream);

/// Standard normal draws of `shape`, made on the CPU, returned with `options`.
torch::Tensor randn(torch::IntArrayRef shape, torch::Generator& gen, const torch::TensorOptions& options);

/// Uniform draws in [0, 1) of `shape`, made on the CPU, returned with `options`.
torch::Tensor rand(torch::IntArrayRef shape, torch::Generator& gen, const torch::TensorOptions& options);

/// n integers uniform in [0, high), int64, on `device`.
torch::Tensor randint(int64_t high, int64_t n, torch::Generator& gen, const torch::Device& device);

}  // namespace diffinfo
