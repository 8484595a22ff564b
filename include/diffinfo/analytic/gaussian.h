#pragma once
// Gaussian data N(m, C) under a forward process, in closed form (docs/math.md §3):
// p_s = N(μ m, A), A = μ²C + ΣI; the exact entropy rate
// σ²/2 E‖∇log p_eq − ∇log p_s‖² = σ²/2 [Σ_i a_i (1/a_i − 1/κ²)² + μ²‖m‖²/κ⁴] (a_i the
// eigenvalues of A; 1/κ² = 0 for a flat p_eq), S_tot = D(p_0) − D(p_T) with
// D(p) = KL(p‖p_eq) (or −h(p) when p_eq is flat), and the total-correlation decomposition.
//
//   diffinfo::GaussianData g(mean, cov);              // [D], [D, D]
//   double s_tot = g.total_entropy(*process);         // nats
//   double rate  = g.entropy_rate(*process, 0.3);     // nats per unit s
#include "diffinfo/analytic/mixture.h"

#include <vector>

namespace diffinfo {

class GaussianData {
 public:
  /// [D] mean, [D, D] symmetric positive-definite covariance.
  GaussianData(const torch::Tensor& mean, const torch::Tensor& cov);
  /// The maximum-likelihood Gaussian of [N, D] samples.
  static GaussianData fit(const torch::Tensor& x);

  int64_t dim() const { return mean_.size(0); }
  const torch::Tensor& mean() const { return mean_; }
  const torch::Tensor& cov() const { return cov_; }
  /// {"type": "gaussian", "mean", "cov"}, as `diffinfo data gaussian` writes it.
  nlohmann::json spec() const;
  /// The same law as a one-component mixture (sampling, densities, exact scores).
  GaussianMixture as_mixture() const;

  /// Differential entropy h(p_0), nats.
  double entropy() const;
  /// D(p_s) = E_{p_s}[log p_s − log p_eq] at time s.
  double kl_to_eq(const ForwardProcess& process, double s = 0.0) const;
  /// S_tot = D(p_0) − D(p_T), nats.
  double total_entropy(const ForwardProcess& process) const;
  /// σ(s)²/2 · E‖∇log p_eq − ∇log p_s‖² at time s, nats per unit s.
  double entropy_rate(const ForwardProcess& process, double s) const;
  /// Entropy production of generation with the exact score at forward time s (docs/math.md §8), nats per
  /// unit t: with A = μ²C + ΣI, Ṡ^i = (2/σ²)φ²(tr A + μ²‖m‖²) + 2φD + σ²/2 tr A⁻¹,
  /// Ṡ^e = −(2/σ²)φ²(tr A + μ²‖m‖²) − 3φD − σ² tr A⁻¹, Ṡ = −φD − σ²/2 tr A⁻¹ = −dh(p_s)/ds.
  struct Production {
    double intrinsic, exchange, system;
  };
  Production entropy_production(const ForwardProcess& process, double s) const;
  /// h(p_s) at time s, nats.
  double entropy_at(const ForwardProcess& process, double s) const;

 private:
  torch::Tensor mean_, cov_, evals_;
};

/// KL(p_d‖p_eq) = Σ_k KL(p_d(x_k)‖p_eq(x_k)) + TC(X) (Kelly gamblers Eq. 8).
struct KlDecomposition {
  double total;                 ///< KL(p_d‖p_eq)
  std::vector<double> marginal; ///< KL of each coordinate's marginal
  double total_correlation;     ///< TC(X) = KL(p(x)‖Π p(x_k))
};

/// The decomposition for Gaussian data against a Gaussian p_eq (throws when p_eq is flat).
KlDecomposition kl_decomposition(const GaussianData& data, const ForwardProcess& process);

}  // namespace diffinfo
