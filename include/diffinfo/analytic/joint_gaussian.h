#pragma once
// The joint Gaussian of Kelly gamblers App. E.1 (docs/math.md §4): X ~ N(0, Σ_X), Y = AX + ε,
// ε ~ N(0, σ_ε² I). In closed form: I(X; Y) = ½ ln(det Σ_Y / det σ_ε²I) (Eq. 55); the
// conditional law X | Y = y is N(Ky, C) with K = Σ_X Aᵀ Σ_Y⁻¹, C = Σ_X − K A Σ_X (Eq. 59); it
// diffuses to N(μKy, μ²C + ΣI), so the conditional score is −(μ²C + ΣI)⁻¹(x − μKy) (Eqs. 61–64)
// and I(X_s; Y) = ½[ln det(μ²Σ_X + ΣI) − ln det(μ²C + ΣI)] at every s. Diffusing both, Z = [X, Y]
// goes to N(0, μ²Σ_Z + ΣI), which gives I(X_s; Y_s).
//
//   auto law = diffinfo::JointGaussian::from_spec(spec);      // spec from `diffinfo data joint-gaussian`
//   double mi = law.mutual_information();                     // nats
//   auto e = law.residual(*process, x_s, s, y);               // [B, D_X]; null condition: marginal
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/condition.h"

namespace diffinfo {

class JointGaussian {
 public:
  /// [D_X, D_X] Σ_X, [D_Y, D_X] A, noise standard deviation σ_ε.
  JointGaussian(const torch::Tensor& cov_x, const torch::Tensor& a, double sigma_eps);
  /// {"type": "joint-gaussian", "x": {"cov", ...}, "a", "sigma_eps"}.
  static JointGaussian from_spec(const nlohmann::json& spec);

  int64_t dim_x() const { return cov_x_.size(0); }
  int64_t dim_y() const { return a_.size(0); }
  /// The law of X alone.
  GaussianData x_law() const;
  /// The law of Y alone: N(0, AΣ_XAᵀ + σ_ε²I).
  GaussianData y_law() const;
  /// The law of Z = [X, Y]: N(0, [[Σ_X, Σ_XAᵀ], [AΣ_X, Σ_Y]]).
  GaussianData joint_law() const;
  /// I(X; Y), nats (Eq. 55).
  double mutual_information() const;
  /// I(X_s; Y) at time s, nats (X diffused, Y clean: conditional models).
  double mutual_information(const ForwardProcess& process, double s) const;
  /// I(X_s; Y_s) at time s, nats (both diffused: joint diffusion of Z = [X, Y]).
  double joint_mutual_information(const ForwardProcess& process, double s) const;
  /// [B, D_X] x_s, [B, 1] s, [B, D_Y] y -> [B, D_X] ∇log p_s(x_s | y).
  torch::Tensor conditional_score(const ForwardProcess& process, const torch::Tensor& x, const torch::Tensor& s,
                                  const torch::Tensor& y) const;
  /// The exact entropy-matching residual of p_s(x | y), or of p_s(x) for the null condition.
  torch::Tensor residual(const ForwardProcess& process, const torch::Tensor& x, const torch::Tensor& s,
                         const Condition& cond) const;

 private:
  torch::Tensor cov_x_, a_, cov_y_, gain_, cond_cov_;  // Σ_X, A, Σ_Y, K, C
  torch::Tensor cond_evals_, cond_evecs_;       // C = V diag(c) Vᵀ
  double sigma_eps_;
  GaussianMixture marginal_;
};

}  // namespace diffinfo
