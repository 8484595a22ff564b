#pragma once
// Generation: integrate from the prior p_T back to s ≈ 0 (docs/math.md §5).
//   "sde": the reverse-time SDE dx = [φx − σ² ∇log p_s] ds + σ dW̄ by Euler–Maruyama;
//   "ode": the probability-flow ODE dx/ds = φx − σ²/2 ∇log p_s by Heun's method.
// Steps are equally spaced in the quantiles of the importance law p(s) ∝ σ²/Σ (about equal
// steps of log-SNR), so every process gets fine steps where its score changes fastest. A final
// Tweedie step x0 = (x + Σ ∇log p) / μ at s_end removes the noise left there.
// Classifier-free guidance (Ho & Salimans): s_w = s(x|y) + w (s(x|y) − s(x)), w = scale − 1 with
// `guidance_scale` in diffusers' sense (1 = no guidance).
//
//   auto x = diffinfo::sample(*process, score, labels, 1000, 2, diffinfo::SamplerOptions().guidance_scale(3),
//                             torch::kCPU);    // [1000, 2]
#include "diffinfo/callables.h"
#include "diffinfo/process.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace diffinfo {


struct SamplerOptions {
  /// "sde" (Euler–Maruyama) | "ode" (probability flow, Heun) (default "sde").
  TORCH_ARG(std::string, method) = "sde";
  /// Integration steps from T down to s_end (default 500).
  TORCH_ARG(int64_t, steps) = 500;
  /// Where integration stops before the final denoising step (default 1e-3, as score_sde).
  TORCH_ARG(double, s_end) = 1e-3;
  /// Guidance scale in diffusers' sense: 1 = none, w = scale − 1 (default 1).
  TORCH_ARG(double, guidance_scale) = 1.0;
  /// Seed of the prior draws and the SDE noise (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
  /// Trajectories integrated together (default 8192).
  TORCH_ARG(int64_t, batch_size) = 8192;
};

/// The settings, with w beside the scale, for reports.
nlohmann::json to_json(const SamplerOptions& options);

/// The descending times T = s_0 > … > s_steps = s_end that the sampler visits.
std::vector<double> sampler_times(const ForwardProcess& process, const SamplerOptions& options);

/// n draws [n, dim] (float32, on `device`) of p_0, or of p_0(·|y) for the n rows of a non-null
/// `cond` (guided when guidance_scale != 1).
torch::Tensor sample(const ForwardProcess& process, const ConditionalScoreFn& score, const Condition& cond,
                     int64_t n, int64_t dim, const SamplerOptions& options, const torch::Device& device);

/// The known methods, in order.
std::vector<std::string> sampler_names();

}  // namespace diffinfo
