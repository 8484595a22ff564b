#pragma once
// The MLP: [scaled x, Fourier features of τ, optional condition] -> SiLU layers -> [B, D].
//
//   diffinfo::Mlp net(diffinfo::NetworkOptions(6).width(256).depth(3));
//   auto out = net->forward(x_in, tau);      // [B, 6], [B, 1] -> [B, 6]
#include "diffinfo/model/network.h"

namespace diffinfo {

class MlpImpl : public NetworkImpl {
 public:
  explicit MlpImpl(const NetworkOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tau, const Condition& cond = {}) override;
  void reset_parameters(torch::Generator& gen) override;

 private:
  torch::Tensor freqs_;
  torch::nn::ModuleList layers_;
  torch::nn::Embedding embed_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(Mlp);

}  // namespace diffinfo
