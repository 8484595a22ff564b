#pragma once
// The divergence ∇·f of a field f: [B, D] -> [B, D] by autograd, exactly (one backward pass per
// dimension) or by Hutchinson's estimator E[εᵀ(∂f/∂x)ε] with Rademacher or Gaussian probes
// (docs/math.md §7). The PF-ODE likelihood and the divergence form of the entropy-production rates use it.
//
//   auto probes = diffinfo::divergence_probes(diffinfo::DivergenceOptions().method("hutchinson"), x, gen);
//   auto [fx, div] = diffinfo::value_and_divergence(f, x, probes);   // [B, D], [B]
#include <torch/torch.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace diffinfo {

struct DivergenceOptions {
  /// "exact" (D backward passes) | "hutchinson" (default "exact").
  TORCH_ARG(std::string, method) = "exact";
  /// Hutchinson probes: "rademacher" | "gaussian" (default "rademacher").
  TORCH_ARG(std::string, probe) = "rademacher";
  /// Hutchinson probes per sample (default 1).
  TORCH_ARG(int64_t, probes) = 1;
};

/// Checks the method and probe names; unknown ones throw naming the known ones.
void validate(const DivergenceOptions& options);

/// [P, B, D] Hutchinson probes of `options` (undefined for "exact"), like `like` [B, D].
torch::Tensor divergence_probes(const DivergenceOptions& options, const torch::Tensor& like, torch::Generator& gen);

/// f: [B, D] -> [B, D] differentiable; x [B, D]; probes from divergence_probes ->
/// {[B, D] f(x), [B] ∇·f(x)} (both detached).
std::pair<torch::Tensor, torch::Tensor> value_and_divergence(const std::function<torch::Tensor(const torch::Tensor&)>& f,
                                                             const torch::Tensor& x, const torch::Tensor& probes);

/// The known divergence methods and probes, in order.
std::vector<std::string> divergence_names();
std::vector<std::string> probe_names();

}  // namespace diffinfo
