#pragma once
// Likelihood of data under a score model (docs/math.md §7); the upper bounds beside it are in bounds.h.
//
// Probability-flow ODE: dx/ds = v(x, s) = φ(s)x − σ(s)²/2 · s_θ(x, s), integrated from the data
// at s_min to T, and ln p_θ(x) = ln π(x_T) + ∫ ∇·v ds with π the process prior. The solver is
// adaptive Dormand–Prince RK45 (the error norm is each trajectory's RMS, worst of the batch) or
// Heun on a fixed grid; the divergence is exact (one backward pass per dimension) or Hutchinson's
// E[εᵀ(∂v/∂x)ε] with probes fixed along each trajectory, so the ODE stays deterministic.
// All samples of a batch are integrated together.
//
//   auto r = diffinfo::ode_likelihood(*process, score, x, diffinfo::LikelihoodOptions());
//   r.nll.value, r.nll.std_error;  r.log_likelihood[i];  r.nfe
#include "diffinfo/callables.h"
#include "diffinfo/dist/group.h"
#include "diffinfo/estimate.h"
#include "diffinfo/measure/divergence.h"
#include "diffinfo/process.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace diffinfo {

struct LikelihoodOptions {
  /// "rk45" (adaptive Dormand–Prince) | "heun" (fixed steps) (default "rk45").
  TORCH_ARG(std::string, solver) = "rk45";
  /// RK45 relative and absolute tolerances (default 1e-5 each).
  TORCH_ARG(double, rtol) = 1e-5;
  TORCH_ARG(double, atol) = 1e-5;
  /// Heun steps, equally spaced in the quantiles of p(s) ∝ σ²/Σ (default 1000).
  TORCH_ARG(int64_t, steps) = 1000;
  /// RK45 gives up after this many steps per batch (default 100000).
  TORCH_ARG(int64_t, max_steps) = 100000;
  /// The time the data sit at: the ODE runs over [s_min, T] (default 1e-5).
  TORCH_ARG(double, s_min) = 1e-5;
  /// How ∇·v is taken.
  TORCH_ARG(DivergenceOptions, divergence) = {};
  /// Seed of the Hutchinson probes (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
  /// Samples integrated together (default 1024).
  TORCH_ARG(int64_t, batch_size) = 1024;
  /// The ranks that share the rows, batch by batch, round-robin (default: one process); each returns
  /// the single-process result, to rounding (docs/distributed.md).
  TORCH_ARG(dist::Group, group) = {};
};

struct LikelihoodResult {
  torch::Tensor log_likelihood;  ///< [N] ln p_θ(x_i), nats (CPU float64)
  torch::Tensor log_prior;       ///< [N] ln π(x_T) of each trajectory's end
  torch::Tensor divergence;      ///< [N] ∫ ∇·v ds along each trajectory
  torch::Tensor latent;          ///< [N, D] x_T, each sample's end point (its PF-ODE latent code)
  /// [K] int64 rows whose x_T escaped the prior, ‖x_T‖²/v > D + 10√(2D) + 50 (a χ²_D tail far below
  /// 1e-10): the learned flow diverges there (typically a network extrapolating outside its training
  /// support) and their NLL dominates the mean.
  torch::Tensor escaped;
  Estimate nll;                  ///< mean −ln p_θ, nats per sample
  Estimate nll_kept;             ///< the same without the escaped rows (equal to nll when none escaped)
  double nfe = 0;                ///< function evaluations per batch, averaged over batches
  int64_t steps = 0, rejected = 0;  ///< accepted and rejected steps, summed over batches
  LikelihoodOptions options;
  /// The solver's settings and counts, for reports.
  nlohmann::json settings() const;
};

/// [N, D] data on the score's device -> per-sample ln p_θ and the mean NLL with stderr.
LikelihoodResult ode_likelihood(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data,
                                const LikelihoodOptions& options);

/// Data on a grid of `levels` values per coordinate spanning [low, high] (8-bit images: 256 levels).
struct Quantization {
  int64_t levels = 0;  ///< 0: continuous data, no offset
  double low = 0, high = 1;
  /// log2 of the bins per unit length, levels / (high − low): a density in nats becomes a
  /// probability of the bin in bits per dimension by adding it (+8 for 8 bits on [0, 1], +7 on [−1, 1]).
  double offset_bits() const;
};

/// Mean NLL in nats per sample, dimension D -> bits per dimension, NLL/(D ln 2) + q.offset_bits().
Estimate bits_per_dim(const Estimate& nll, int64_t dim, const Quantization& q);

/// [N, D] grid data -> the same plus uniform noise on each value's bin, (−Δ/2, Δ/2) with Δ the bin width.
torch::Tensor dequantize(const torch::Tensor& data, const Quantization& q, torch::Generator& gen);

/// The known solvers, in order.
std::vector<std::string> solver_names();

}  // namespace diffinfo
