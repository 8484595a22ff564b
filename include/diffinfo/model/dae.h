#pragma once
// The diffusion autoencoder of Kelly gamblers App. F: two Gaussian encoders q(z_per|x), q(z_sem|x)
// (reparameterised) and a conditional diffusion decoder e_θ(x_s, s; z) that sees z_per for s < τ
// and z_sem for s ≥ τ — the split loss, Eq. 74. To the rest of diffinfo it is a network conditioned
// on a vector, the clean image x0 itself: it encodes the condition, so the trainer, checkpoints,
// sampling (reconstruction = sampling conditioned on x0) and resumption need nothing new. Its KL
// term γ·KL(q(z|x) ‖ N(0, I)) (Eq. 66) is the penalty() the trainer adds to the denoising loss.
//
//   auto o = diffinfo::NetworkOptions(784).latent(8).split_time(0.1).split(tau_of_0_1).cond_dim(784);
//   diffinfo::Dae dae(o);                        // decoder: an MLP, or a U-Net with .arch("unet")
//   auto [z_per, z_sem] = dae->encode(x0);       // means, [B, 8] each
#include "diffinfo/model/network.h"

#include <utility>

namespace diffinfo {

class DaeImpl : public NetworkImpl {
 public:
  /// options: the decoder's, with cond_dim = dim (the condition is x0) and latent = D_Z > 0.
  explicit DaeImpl(const NetworkOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tau, const Condition& cond = {}) override;
  void reset_parameters(torch::Generator& gen) override;
  torch::Tensor penalty() override;
  /// [B, D] clean points (at the scale the network sees them) -> the encoders' means (z_per, z_sem).
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x0);
  Network& decoder() { return decoder_; }

 private:
  torch::nn::Sequential make_encoder() const;

  torch::nn::Sequential per_{nullptr}, sem_{nullptr};  // each: x0 -> [μ, log σ²] of D_Z
  Network decoder_{nullptr};
  torch::Tensor kl_;  // of the last training forward pass
};
TORCH_MODULE(Dae);

/// The DAE's split time coordinate: τ(s) = ln(μ(s)² v / Σ(s)) / 8 at s = split_time (score_model.h).
double dae_split_coordinate(const class ForwardProcess& process, double split_time, double data_var);

}  // namespace diffinfo
