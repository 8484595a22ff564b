#pragma once
// The U-Net for images (DDPM's shape, Ho et al. 2020): a time embedding of τ (Fourier features
// and a two-layer MLP) to which a label or vector embedding is added (a label optionally scaled by a
// learned gate of the time, NetworkOptions::label_gate); residual blocks with
// GroupNorm and SiLU that take the embedding; self-attention at low resolution and in the middle;
// skip connections from each level of the way down to the same level of the way up. Points come
// and go flat, [B, C·H·W], like every other network's, so nothing outside knows the shape.
//
//   diffinfo::UNet net(diffinfo::unet_preset("tiny", {1, 28, 28}).classes(10));
//   auto out = net->forward(x_in, tau, labels);      // [B, 784], [B, 1], [B] -> [B, 784]
#include "diffinfo/model/network.h"

namespace diffinfo {

class UNetImpl : public NetworkImpl {
 public:
  explicit UNetImpl(const NetworkOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tau, const Condition& cond = {}) override;
  void reset_parameters(torch::Generator& gen) override;

 private:
  torch::Tensor embedding(const torch::Tensor& tau, const Condition& cond, int64_t b, const torch::Device& device);

  std::vector<int64_t> shape_;  // {C, H, W}
  torch::Tensor freqs_;
  torch::nn::Sequential time_{nullptr};
  torch::nn::Embedding labels_{nullptr};
  torch::nn::Linear vector_{nullptr}, gate_{nullptr};
  torch::nn::Conv2d in_{nullptr}, out_{nullptr};
  torch::nn::GroupNorm out_norm_{nullptr};
  // One list of blocks (residual block, then attention at low resolution) per level; the
  // resampling convolutions between levels; the middle's two blocks. See unet.cpp for the skips.
  torch::nn::ModuleList down_, up_, downsample_, upsample_, middle_;
};
TORCH_MODULE(UNet);

}  // namespace diffinfo
