#pragma once
// Forward (noising) processes dx = φ(s) x ds + σ(s) dW on s ∈ [0, T] (docs/math.md §1).
// Every process is Ornstein–Uhlenbeck, so its kernel is Gaussian:
// x_s = μ(s) x_0 + √Σ(s) ε. The process knows nothing of models or data.
//
//   auto vp  = diffinfo::make_process("vp", diffinfo::ProcessOptions().beta_max(16));
//   auto s   = torch::full({B, 1}, 0.3, torch::kFloat64);
//   auto x_s = vp->sample(x0, s, eps);                  // [B, D]
//   double var = vp->at(0.3).var;                       // Σ(0.3)
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace diffinfo {

struct ProcessOptions {
  /// VP, VPx: β(s) at s = 0 (default 0.1).
  TORCH_ARG(double, beta_min) = 0.1;
  /// VP, VPx: β(s) at s = 1 (default 20 as score_sde; the neural-entropy code uses 16).
  TORCH_ARG(double, beta_max) = 20.0;
  /// VPx: standard deviation κ of the equilibrium N(0, κ²I) (default 0.1).
  TORCH_ARG(double, kappa) = 0.1;
  /// SL: standard deviation Σ₀ of the equilibrium N(0, Σ₀²I) (default 0.1).
  TORCH_ARG(double, sigma0) = 0.1;
  /// SL: the process stops at T = 1 − sl_margin, where its drift is singular (default 1e-5).
  TORCH_ARG(double, sl_margin) = 1e-5;
  /// VE: noise scale at s = 0 (default 0.01).
  TORCH_ARG(double, sigma_min) = 0.01;
  /// VE: noise scale at s = 1 (default 50).
  TORCH_ARG(double, sigma_max) = 50.0;
};

/// The schedule at one time s, for scalar work (quadrature, reports).
struct Schedule {
  double phi;    ///< drift coefficient φ(s)
  double sigma;  ///< diffusion coefficient σ(s)
  double mu;     ///< kernel mean factor μ(s)
  double var;    ///< kernel variance Σ(s)
};

class ForwardProcess {
 public:
  virtual ~ForwardProcess() = default;

  /// Registered name: "vp", "vpx", "sl" or "ve".
  virtual std::string name() const = 0;
  /// Name and parameters; process_from_config(config()) rebuilds the same process.
  virtual nlohmann::json config() const = 0;
  /// End of forward time T.
  virtual double t_max() const { return 1.0; }
  /// s (any shape, floating) -> φ(s); the drift is b(x, s) = φ(s) x.
  virtual torch::Tensor drift_coef(const torch::Tensor& s) const = 0;
  /// s -> σ(s).
  virtual torch::Tensor diffusion(const torch::Tensor& s) const = 0;
  /// s -> μ(s) = exp ∫₀ˢ φ.
  virtual torch::Tensor mean_factor(const torch::Tensor& s) const = 0;
  /// s -> Σ(s) = μ² ∫₀ˢ σ²/μ², the kernel variance per coordinate.
  virtual torch::Tensor kernel_var(const torch::Tensor& s) const = 0;
  /// Variance κ² of the quasi-invariant state N(0, κ²I); +inf when it is flat (VE).
  virtual double eq_var() const = 0;
  /// Variance of the Gaussian prior p_T = N(0, v I) that sampling starts from.
  virtual double prior_var() const = 0;

  /// All four schedule functions at one time s.
  Schedule at(double s) const;
  /// [B, D] points, [B, 1] times -> [B, D] drift φ(s) x.
  torch::Tensor drift(const torch::Tensor& x, const torch::Tensor& s) const;
  /// [B, D] data, [B, 1] times, [B, D] standard normal -> [B, D] x_s = μ(s) x0 + √Σ(s) ε.
  torch::Tensor sample(const torch::Tensor& x0, const torch::Tensor& s, const torch::Tensor& eps) const;
  /// [B, D] data, [B, 1] times, [B, D] x_s -> [B, D] ∇log p(x_s | x0) = −(x_s − μ x0)/Σ = −ε/√Σ, the
  /// denoising target (docs/math.md §2), whose mean given x_s is the score ∇log p_s(x_s).
  torch::Tensor kernel_score(const torch::Tensor& x0, const torch::Tensor& s, const torch::Tensor& x_s) const;
  /// [B, D] points -> [B, D] ∇log p_eq(x) (zero when p_eq is flat).
  torch::Tensor eq_score(const torch::Tensor& x) const;
  /// [B, D] points -> [B] log p_eq(x) in nats (0 when p_eq is flat: unnormalised).
  torch::Tensor eq_log_density(const torch::Tensor& x) const;
  /// Entropy of p_eq in `dim` dimensions, nats (+inf when flat).
  double eq_entropy(int64_t dim) const;
  /// [n, dim] draws from the prior p_T.
  torch::Tensor sample_prior(int64_t n, int64_t dim, torch::Generator& gen,
                             const torch::TensorOptions& options) const;
  /// Entropy of the prior p_T in `dim` dimensions, nats.
  double prior_entropy(int64_t dim) const;
};

/// Builds a process by name; unknown names throw "process 'x' not found; known: vp, vpx, sl, ve".
std::unique_ptr<ForwardProcess> make_process(const std::string& name, const ProcessOptions& options = {});
/// Rebuilds a process from its config() JSON.
std::unique_ptr<ForwardProcess> process_from_config(const nlohmann::json& config);
/// The registered names, in order.
std::vector<std::string> process_names();

}  // namespace diffinfo
