#pragma once
// Solvers of y' = f(s, y) for a batch of states [B, M] integrated together: adaptive Dormand–Prince
// RK45 (Dormand & Prince 1980; the error norm is each row's RMS, worst row of the batch, so one stiff
// trajectory cannot hide behind the others) and Heun's method on a given grid. The PF-ODE likelihood
// (likelihood.h) integrates its augmented state [x, ∫∇·v] with them.
//
//   diffinfo::OdeField f = [](double s, const torch::Tensor& y) { return -y; };
//   auto r = diffinfo::solve_rk45(f, y0, 0.0, 1.0, diffinfo::Rk45Options());   // r.y ≈ y0·e⁻¹
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace diffinfo {

/// (s, [B, M] state) -> [B, M] its derivative at s.
using OdeField = std::function<torch::Tensor(double, const torch::Tensor&)>;

struct Rk45Options {
  /// Relative and absolute tolerances of the local error (default 1e-5 each).
  TORCH_ARG(double, rtol) = 1e-5;
  TORCH_ARG(double, atol) = 1e-5;
  /// Accepted plus rejected steps before the solver gives up (default 100000).
  TORCH_ARG(int64_t, max_steps) = 100000;
};

struct OdeSolution {
  torch::Tensor y;                  ///< [B, M] the state at the end
  int64_t steps = 0, rejected = 0;  ///< accepted and rejected steps
};

/// Integrates from s0 to s1 > s0 with adaptive steps; throws when the error norm is not finite or
/// max_steps is spent.
OdeSolution solve_rk45(const OdeField& f, torch::Tensor y, double s0, double s1, const Rk45Options& options);

/// Heun's method over the ascending `times` (at least two), one step per interval.
OdeSolution solve_heun(const OdeField& f, torch::Tensor y, const std::vector<double>& times);

}  // namespace diffinfo
