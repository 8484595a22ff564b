#pragma once
// The network: an MLP on [scaled x, Fourier features of a time coordinate τ, optional
// conditioning vector]. It knows nothing of processes; ScoreModel (score_model.h)
// turns (x_s, s) into its inputs and its output into a score.
//
//   diffinfo::Mlp net(diffinfo::MlpOptions(6).width(256).depth(3));
//   auto out = net->forward(x_in, tau);      // [B, 6], [B, 1] -> [B, 6]
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
  /// Width of an optional conditioning input, 0 for none (default 0).
  TORCH_ARG(int64_t, cond_dim) = 0;
};

class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(const MlpOptions& options);
  /// [B, D] scaled points, [B, 1] time coordinate, optional [B, cond_dim] -> [B, D].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tau,
                        const torch::Tensor& cond = {});
  /// Re-draws every weight from `gen` (seeded initialisation; the output layer starts at 0).
  void reset_parameters(torch::Generator& gen);
  const MlpOptions& options() const { return options_; }

 private:
  MlpOptions options_;
  torch::Tensor freqs_;
  torch::nn::ModuleList layers_;
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace diffinfo
