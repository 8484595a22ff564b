#pragma once
// A trained network seen as a score: preconditioning in, parameterisation out.
//
// Input:  x_in = x / √(μ(s)² v_data + Σ(s)) and τ = ln(μ² v_data / Σ) / 8 (log-SNR), so the
//         network sees O(1) numbers under every process.
// Output: the network output n, scaled by the same c(s) = 1/√(μ²v_data + Σ), is the
//         entropy-matching residual e_θ = c·n for "entropy" (score = ∇log p_eq + e_θ,
//         Kelly gamblers §3: e_θ = 0 when the data are at equilibrium) or the score s_θ = c·n for
//         "score". Scaling by c rather than 1/√Σ keeps an error in n from being amplified by
//         1/Σ(s) near s = 0, where the rate integrand σ²/2‖e‖² would otherwise blow up.
//
//
// Joint diffusion of Z = [X, Y] (MINDE-j, `joint_split` = D_X > 0): one network on all of Z, told by
// a block label per row which part of Z it models: 0 all of Z, 1 X alone (the first D_X
// coordinates), 2 Y alone. Coordinates outside the block are zeroed at the input and get residual
// 0 ("at equilibrium"), so they neither inform the network nor enter the loss.
//
//   diffinfo::ScoreModel model(process, net, "entropy", data_var);
//   auto e = model.residual(x_s, s);       // [B, D], [B, 1] -> [B, D]
#include "diffinfo/model/network.h"
#include "diffinfo/model/scorer.h"
#include "diffinfo/process.h"

#include <memory>
#include <string>
#include <vector>

namespace diffinfo {

class ScoreModel : public Scorer {
 public:
  /// output: "entropy" | "score"; data_var: mean per-coordinate variance of the training data;
  /// cond_var: the same for conditioning vectors, which the network sees divided by √cond_var;
  /// joint_split: D_X of a joint model of Z = [X, Y], 0 otherwise; then data_var is that of X and
  /// cond_var that of Y, each block preconditioned by its own (the network must already be on its device).
  ScoreModel(std::shared_ptr<const ForwardProcess> process, Network net, const std::string& output,
             double data_var, double cond_var = 1.0, int64_t joint_split = 0);

  /// [B, D] x_s, [B, 1] s, condition (condition.h) -> [B, D] √Σ(s)·s_θ(x_s, s), the loss's natural scale.
  torch::Tensor scaled_score(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond = {}) const;
  /// [B, D], [B, 1] -> [B, D] score s_θ(x_s, s).
  torch::Tensor score(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond = {}) const override;
  /// [B, D], [B, 1] -> [B, D] entropy-matching residual e_θ = s_θ − ∇log p_eq.
  torch::Tensor residual(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond = {}) const override;

  /// A joint model: [B] int64 block labels -> [B, D] 0/1 mask (dtype of `like`) of the coordinates
  /// each row models. Undefined for every other model.
  torch::Tensor modelled(const Condition& cond, const torch::Tensor& like) const;

  const ForwardProcess& process() const { return *process_; }
  Network& net() { return net_; }
  const std::string& output() const { return output_; }
  /// The data variance v of the preconditioning (of all of Z for a joint model).
  double data_var() const { return data_var_; }
  /// D_X of a joint model, 0 otherwise.
  int64_t joint_split() const { return joint_split_; }

 private:
  struct Inputs {
    torch::Tensor scale, tau, var;  // c(s) ([B, 1], or [B, D] for a joint model), the log-SNR coordinate, Σ(s)
  };
  Inputs precondition(const torch::Tensor& x, const torch::Tensor& s) const;
  /// c(s)·n(c(s)·x, τ(s)): the residual ("entropy") or the score ("score").
  torch::Tensor raw(const torch::Tensor& x, const Inputs& in, const Condition& cond) const;

  std::shared_ptr<const ForwardProcess> process_;
  mutable Network net_;  // LibTorch's forward() is non-const
  std::string output_;
  double data_var_, cond_scale_;
  int64_t joint_split_;
  torch::Tensor coord_var_;  // joint models: [1, D] the variance of each coordinate's block
};

/// The known output parameterisations, in order.
std::vector<std::string> output_names();

}  // namespace diffinfo
