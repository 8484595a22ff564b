#pragma once
// One model against its limits (issue: likelihood and the thermodynamic bound): the PF-ODE NLL, the
// upper bounds beside it (denoising bound; DDPM ELBO for VP) and the thermodynamic lower bound
// (S0 + S1)/2 − ½ΔS_θ, all from the same score and data, with the gap NLL − bound.
//
//   auto l = diffinfo::measure_limits(*process, score, x, s0, diffinfo::LimitsOptions());
//   l.nll.nll.value;  l.bound.value;  l.gap;  l.to_json()
#include "diffinfo/measure/bounds.h"
#include "diffinfo/measure/likelihood.h"
#include "diffinfo/measure/thermodynamics.h"

#include <optional>

namespace diffinfo {

struct LimitsOptions {
  /// The PF-ODE solver and divergence (its divergence also serves the rates' divergence form).
  TORCH_ARG(LikelihoodOptions, likelihood) = {};
  /// The stratified quadrature of the denoising bound and the rates (s_min should be the ODE's).
  TORCH_ARG(EntropyOptions, quadrature) = {};
  /// Steps of the discretised VP schedule for the DDPM ELBO; 0 skips it (default 1000, as DDPM).
  TORCH_ARG(int64_t, ddpm_steps) = 1000;
};

struct Limits {
  LikelihoodResult nll;
  BoundTerms denoising;
  std::optional<BoundTerms> ddpm;      ///< VP runs only
  EntropyProduction production;
  ThermodynamicBound bound;            ///< divergence form: its 2:1 VE check is not automatic
  ThermodynamicBound bound_norm;       ///< norm form
  Estimate gap;                        ///< NLL without escaped rows − bound (stderrs add in quadrature)
  /// nll, bounds, gap and the orderings bound ≤ NLL ≤ denoising bound as measured.
  nlohmann::json to_json() const;
};

/// [N, D] data, S0 (the data entropy, known or estimated) -> every number above.
Limits measure_limits(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data,
                      const Estimate& data_entropy, const LimitsOptions& options);

}  // namespace diffinfo
