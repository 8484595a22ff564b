#pragma once
// Monte-Carlo information estimates with standard errors.
//
//   auto kl = diffinfo::monte_carlo_kl(sample_p, log_p, log_q, 100000, gen);   // {value, std_error}
#include "diffinfo/estimate.h"

#include <functional>

namespace diffinfo {

/// (n, gen) -> [n, D] draws.
using SampleFn = std::function<torch::Tensor(int64_t, torch::Generator&)>;
/// [n, D] -> [n] log-density, nats.
using LogDensityFn = std::function<torch::Tensor(const torch::Tensor&)>;

/// KL(p‖q) = E_p[log p − log q] from n draws of p.
Estimate monte_carlo_kl(const SampleFn& sample_p, const LogDensityFn& log_p, const LogDensityFn& log_q,
                        int64_t n, torch::Generator& gen);

}  // namespace diffinfo
