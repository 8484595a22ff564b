#pragma once
// The network: an MLP on [scaled x, Fourier features of a time coordinate τ, optional
// conditioning vector]. It knows nothing of processes; ScoreModel (score_model.h)
// turns (x_s, s) into its inputs and its output into a score.
//
// A conditional network takes either vectors (`cond_dim` > 0: the input gets [y·keep, keep], so
// the null token differs from y = 0) or class labels (`classes` > 0: a learned embedding with
// one extra row for the null label).
//
//   diffinfo::Mlp net(diffinfo::MlpOptions(6).width(256).depth(3));
//   auto out = net->forward(x_in, tau);      // [B, 6], [B, 1] -> [B, 6]
#include "diffinfo/condition.h"

#include <torch/torch.h>

namespace diffinfo {

struct MlpOptions {
  explicit MlpOptions(int64_t dim) : dim_(dim) {}
  /// Data dimension D (input and output width).
  TORCH_ARG(int64_t, dim);
  /// Hidden width (default 256).
  TORCH_ARG(int64_t, width) = 256;
  /// Number of hidden layers (default 3).
  TORCH_ARG(int64_t, depth) = 3;
  /// Number of Fourier frequencies of the time coordinate (default 16: 32 features).
  TORCH_ARG(int64_t, fourier) = 16;
  /// Width D_Y of a conditioning vector, 0 for none (default 0).
  TORCH_ARG(int64_t, cond_dim) = 0;
  /// Number K of class labels to condition on, 0 for none (default 0).
  TORCH_ARG(int64_t, classes) = 0;
  /// Width of the label embedding (default 32).
  TORCH_ARG(int64_t, embedding) = 32;
};

class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(const MlpOptions& options);
  /// [B, D] scaled points, [B, 1] time coordinate, condition ([B, cond_dim] or [B] labels) -> [B, D].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tau, const Condition& cond = {});
  /// True when the network takes a condition (vectors or labels).
  bool conditional() const { return options_.cond_dim() > 0 || options_.classes() > 0; }
  /// Re-draws every weight from `gen` (seeded initialisation; the output layer starts at 0).
  void reset_parameters(torch::Generator& gen);
  const MlpOptions& options() const { return options_; }

 private:
  MlpOptions options_;
  torch::Tensor freqs_;
  torch::nn::ModuleList layers_;
  torch::nn::Embedding embed_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace diffinfo
