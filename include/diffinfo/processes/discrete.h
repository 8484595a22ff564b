#pragma once
// A discrete DDPM schedule β_0 … β_{N−1} (DDPM; diffusers' schedulers) read as a continuous VP process
// (docs/math.md §11): ᾱ_t = Π_{j≤t}(1 − β_j) for t = 0…N−1; diffinfo's s is the timestep t = s·N − 1;
// log ᾱ is linear in t between integers, and between t = −1 (log ᾱ = 0) and t = 0; μ(s)² = ᾱ,
// Σ(s) = 1 − ᾱ. So φ(s) = (N/2) ln(1 − β_k) on the k-th segment s ∈ [k/N, (k+1)/N], σ² = −2φ, p_eq = N(0, I).
//
//   auto p = diffinfo::process_from_scheduler(nlohmann::json::parse(read_text("scheduler_config.json")));
//   p->kernel_var(s);                        // 1 − ᾱ(s·N − 1)
#include "diffinfo/process.h"

#include <string>
#include <vector>

namespace diffinfo {

class DiscreteProcess : public ForwardProcess {
 public:
  /// schedule: "linear" | "scaled_linear" | "squaredcos_cap_v2" (diffusers' beta_schedule names).
  DiscreteProcess(const std::string& schedule, int64_t timesteps, double beta_start, double beta_end);

  std::string name() const override { return "ddpm"; }
  nlohmann::json config() const override;
  torch::Tensor drift_coef(const torch::Tensor& s) const override;
  torch::Tensor diffusion(const torch::Tensor& s) const override;
  torch::Tensor mean_factor(const torch::Tensor& s) const override;
  torch::Tensor kernel_var(const torch::Tensor& s) const override;
  double eq_var() const override { return 1.0; }
  double prior_var() const override { return 1.0; }

  /// N, the number of timesteps.
  int64_t timesteps() const { return timesteps_; }
  /// s (any shape) -> the fractional timestep t = s·N − 1 the model is called with.
  torch::Tensor timestep(const torch::Tensor& s) const { return s * double(timesteps_) - 1.0; }
  /// The betas β_0 … β_{N−1}, float64.
  const torch::Tensor& betas() const { return betas_; }

 private:
  torch::Tensor log_alpha_bar(const torch::Tensor& s) const;  // log ᾱ(s·N − 1), linear within segments
  torch::Tensor segment(const torch::Tensor& s) const;        // k with s ∈ [k/N, (k+1)/N], as int64

  std::string schedule_;
  int64_t timesteps_;
  double beta_start_, beta_end_;
  torch::Tensor betas_, table_;  // table_[k] = log ᾱ_{k−1}, k = 0…N (table_[0] = 0 at t = −1)
};

/// diffusers' beta_schedule names this process reads.
std::vector<std::string> beta_schedule_names();

/// A diffusers scheduler config (num_train_timesteps, beta_start, beta_end, beta_schedule) as a
/// process; a missing or unusable field throws naming it.
std::unique_ptr<DiscreteProcess> process_from_scheduler(const nlohmann::json& config);

}  // namespace diffinfo
