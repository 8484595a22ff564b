#include "diffinfo/random.h"

#include <ATen/CPUGeneratorImpl.h>

namespace diffinfo {

torch::Generator make_generator(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  // SplitMix64 finaliser over a combination of both: well-mixed, independent streams.
  uint64_t z = seed * 0x9E3779B97F4A7C15ULL + stream + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

torch::Tensor randn(torch::IntArrayRef shape, torch::Generator& gen, const torch::TensorOptions& options) {
  return torch::randn(shape, gen, options.device(torch::kCPU)).to(options.device());
}

torch::Tensor rand(torch::IntArrayRef shape, torch::Generator& gen, const torch::TensorOptions& options) {
  return torch::rand(shape, gen, options.device(torch::kCPU)).to(options.device());
}

torch::Tensor randint(int64_t high, int64_t n, torch::Generator& gen, const torch::Device& device) {
  return torch::randint(high, {n}, gen, torch::kLong).to(device);
}

}  // namespace diffinfo
