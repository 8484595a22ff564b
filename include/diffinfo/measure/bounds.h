#pragma once
// Upper bounds on the NLL beside the PF-ODE likelihood (docs/math.md §7): the denoising bound of the
// reverse SDE and the discrete DDPM ELBO, each split into its terms with stderrs.
//
//   auto ub = diffinfo::denoising_bound(*process, score, x, diffinfo::EntropyOptions());
//   ub.total.value;  ub.terms[0].first == "reconstruction"
#include "diffinfo/callables.h"
#include "diffinfo/measure/neural_entropy.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace diffinfo {

/// A bound split into its terms, in nats per sample.
struct BoundTerms {
  Estimate total;
  std::vector<std::pair<std::string, Estimate>> terms;  ///< named parts; their sum is `total`
  nlohmann::json settings;
  nlohmann::json to_json() const;
};

/// The denoising (variational) bound on −ln p_θ of the reverse SDE with the model score (Kelly gamblers
/// Eqs. 30–33, with a Gaussian decoder at s_min): reconstruction D/2 ln(2πeΣ/μ²) at s_min, the
/// likelihood-weighted denoising loss ∫ σ²/2 E‖s_θ + ε/√Σ‖² ds over [s_min, T] and the prior KL
/// E KL(p(x_T|x_0) ‖ π). The same stratified quadrature as neural_entropy (options.s_min is the
/// decoder time). [N, D] data -> terms with stderr.
BoundTerms denoising_bound(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data,
                           const EntropyOptions& options);

/// The DDPM ELBO (Ho et al. 2020; docs/math.md §7) of the VP process discretised at s_k = kT/steps:
/// ᾱ_k = μ(s_k)², the reverse step N(μ̃(x̂_0, x_k), β̃_k) with x̂_0 from the score by Tweedie, a Gaussian
/// decoder of variance β_1. Terms: prior KL(q(x_N|x_0) ‖ N(0, I)), the denoising KLs Σ_{k≥2} L_{k−1} and
/// the reconstruction −ln p(x_0|x_1). Every k for every sample, one ε each. [N, D] data -> terms.
BoundTerms ddpm_elbo(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data, int64_t steps,
                     uint64_t seed, int64_t batch_size = 8192);

}  // namespace diffinfo
