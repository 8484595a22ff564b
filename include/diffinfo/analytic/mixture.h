#pragma once
// Gaussian mixtures and their exact diffusion (docs/math.md §3): under any forward process a
// mixture Σ π_k N(m_k, C_k) diffuses to Σ π_k N(μ m_k, μ² C_k + Σ I). Densities and scores
// use the eigenbasis of each C_k and log-sum-exp, so they stay exact at tiny Σ.
// A single Gaussian is the one-component mixture. Only analytic/ knows true distributions.
//
//   diffinfo::GaussianMixture mix(weights, means, covs);     // [K], [K, D], [K, D, D]
//   auto score = mix.score(*process, x_s, s);                // [B, D]
//   diffinfo::Estimate s_tot = mix.total_entropy(*process, 100000, gen);
#include "diffinfo/callables.h"
#include "diffinfo/estimate.h"
#include "diffinfo/process.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <vector>

namespace diffinfo {

class GaussianMixture {
 public:
  /// [K] weights (normalised here), [K, D] means, [K, D, D] symmetric positive-definite covariances.
  GaussianMixture(const torch::Tensor& weights, const torch::Tensor& means, const torch::Tensor& covs);
  /// From the JSON written by spec(): {"type": "mixture", "weights", "means", "covs"}.
  static GaussianMixture from_spec(const nlohmann::json& spec);
  nlohmann::json spec() const;

  int64_t dim() const { return means_.size(1); }
  int64_t components() const { return means_.size(0); }
  const torch::Tensor& weights() const { return weights_; }
  const torch::Tensor& means() const { return means_; }
  const torch::Tensor& covs() const { return covs_; }

  /// n draws -> [n, D] float64; labels (component indices) into *labels when given.
  torch::Tensor sample(int64_t n, torch::Generator& gen, torch::Tensor* labels = nullptr) const;
  /// [B, D] -> [B] log p_0(x), nats.
  torch::Tensor log_density(const torch::Tensor& x) const;
  /// [B, D] x_s, [B, 1] s -> [B] log p_s(x_s).
  torch::Tensor log_density(const ForwardProcess& process, const torch::Tensor& x, const torch::Tensor& s) const;
  /// [B, D] x_s, [B, 1] s -> [B, D] ∇log p_s(x_s).
  torch::Tensor score(const ForwardProcess& process, const torch::Tensor& x, const torch::Tensor& s) const;
  /// [B, D] x_s, [B, 1] s -> [B, K] log P(component | x_s).
  torch::Tensor log_posterior(const ForwardProcess& process, const torch::Tensor& x, const torch::Tensor& s) const;
  /// [B, D] x_s, [B, 1] s, [B] int64 components -> [B, D] ∇log p_s(x_s | component), the exact
  /// class-conditional score.
  torch::Tensor component_score(const ForwardProcess& process, const torch::Tensor& x, const torch::Tensor& s,
                                const torch::Tensor& labels) const;
  /// I(X; C) between a draw and its component label, E[log P(c|x) − log π_c] by Monte Carlo on
  /// the exact posterior, nats (≤ H(π)). Apply to diffused(process, s) for I(X_s; C).
  Estimate label_information(int64_t n, torch::Generator& gen) const;
  /// H(C | X_s) of the component label at each of `times`, E[−Σ_c P(c|x_s) ln P(c|x_s)] by Monte
  /// Carlo on the exact posterior, nats (≤ H(π); docs/math.md §6). One set of n draws (x0, ε) is
  /// diffused to every s (common random numbers), so the curve is smooth in s.
  std::vector<Estimate> conditional_label_entropy(const ForwardProcess& process, const std::vector<double>& times,
                                                  int64_t n, torch::Generator& gen) const;
  /// The law of x_s at one time s.
  GaussianMixture diffused(const ForwardProcess& process, double s) const;
  /// E_p[log p − log p_eq] by Monte Carlo: KL(p‖p_eq), or −h(p) when p_eq is flat.
  Estimate kl_to_eq(const ForwardProcess& process, int64_t n, torch::Generator& gen) const;
  /// S_tot = kl_to_eq(p_0) − kl_to_eq(p_T) by Monte Carlo on the exact density (Kelly gamblers Eq. 4).
  Estimate total_entropy(const ForwardProcess& process, int64_t n, torch::Generator& gen) const;

 private:
  struct Terms {
    torch::Tensor log_joint;  // [B, K] log π_k + log N_k
    torch::Tensor whitened;   // [B, K, D] (x − μ m_k) U_k / a_k, in the eigenbasis
  };
  Terms terms(const torch::Tensor& x, const torch::Tensor& mu, const torch::Tensor& var) const;

  torch::Tensor weights_, means_, covs_;
  torch::Tensor evals_, evecs_;  // [K, D], [K, D, D]: C_k = U_k diag(c_k) U_kᵀ
};

/// The exact entropy-matching residual ∇log p_s − ∇log p_eq of `law` as a callable
/// ([B, D] x_s, [B, 1] s -> [B, D]); `process` must outlive it.
ResidualFn exact_residual(const GaussianMixture& law, const ForwardProcess& process);

}  // namespace diffinfo
