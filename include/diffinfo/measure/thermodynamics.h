#pragma once
// Entropy production of the generative dynamics and the thermodynamic bound on the NLL (Thermodynamic limits,
// docs/math.md §8). Generation runs dx = u dt + σ dW̄ in reverse time t = T − s with drift
// u = −b + σ² s_θ (b = φx the forward drift); its probability current has velocity
// w = u − σ²/2 ∇ln p. Rates per unit t, with expectations over the forward marginal p_s:
//   intrinsic  Ṡ^i = (2/σ²) E‖w‖²,   exchange  Ṡ^e = −(2/σ²) E[u·w],   system  Ṡ = Ṡ^i + Ṡ^e.
// Norm form: ∇ln p replaced by s_θ. Divergence form: every E[f·∇ln p] replaced by −E[∇·f]
// (Stein), so for VE (b = 0) Ṡ^e = −2Ṡ^i holds only when E‖s_θ‖² = −E∇·s_θ.
// Bound: NLL ≥ (S0 + S1)/2 − ½ ∫ Ṡ_θ, with Ṡ_θ the system rate in forward (noising) time, i.e.
// −∫₀ᵀ Ṡ dt of the generative rate: with the exact score that integral is S1 − S0 and the bound is S0.
//
//   auto p = diffinfo::entropy_production(*process, score, x, diffinfo::EntropyOptions(), {});
//   p.intrinsic.curve[k].rate;  p.stein.total;  auto b = diffinfo::thermodynamic_bound(p.system, s0, s1);
#include "diffinfo/measure/divergence.h"
#include "diffinfo/measure/neural_entropy.h"

namespace diffinfo {

struct EntropyProduction {
  EntropyProfile intrinsic, exchange, system;              ///< norm form, per unit t (curves over s)
  EntropyProfile intrinsic_div, exchange_div, system_div;  ///< divergence form
  EntropyProfile score_norm;       ///< ∫ σ²/2 E‖s_θ‖² ds
  EntropyProfile score_divergence; ///< ∫ σ²/2 (−E∇·s_θ) ds: equal to score_norm for a true score
  EntropyProfile stein;            ///< ∫ σ²/2 E[‖s_θ‖² + ∇·s_θ] ds, the paired difference (0 for a true score)
  DivergenceOptions divergence;
};

/// [N, D] data -> all rates from the same stratified (s, x0, ε) draws (integrate_rates), so
/// differences between them keep only the variance of the difference.
EntropyProduction entropy_production(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data,
                                     const EntropyOptions& options, const DivergenceOptions& divergence);

/// {"divergence_form"|"norm_form": {intrinsic, exchange, system, exchange_over_intrinsic},
///  "stein": {score_norm, score_divergence, difference, relative_difference}} of the integrated rates.
nlohmann::json production_totals(const EntropyProduction& production);

struct ThermodynamicBound {
  Estimate value;           ///< (S0 + S1)/2 − ½ ΔS_θ, nats
  Estimate data_entropy;    ///< S0
  double prior_entropy = 0; ///< S1, the entropy of the prior p_T
  Estimate entropy_change;  ///< ΔS_θ = −∫ Ṡ dt, the model's entropy gain from data to prior
  nlohmann::json to_json() const;
};

/// A system-rate profile (EntropyProduction::system or system_div), S0 with its stderr and S1 -> the bound.
ThermodynamicBound thermodynamic_bound(const EntropyProfile& system, const Estimate& data_entropy, double prior_entropy);

}  // namespace diffinfo
