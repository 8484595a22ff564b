#pragma once
// The network behind a ScoreModel: an MLP on flat points or a U-Net on images. Both map
// (x [B, D] preconditioned points, τ [B, 1] time coordinate, condition) to [B, D] and know nothing
// of processes; ScoreModel (score_model.h) turns (x_s, s) into their inputs and their output into a
// score. Images stay flat [B, C·H·W] everywhere outside the U-Net, which reshapes them itself.
//
// A conditional network takes either vectors (`cond_dim` > 0: the input gets [y·keep, keep], so
// the null token differs from y = 0) or class labels (`classes` > 0: a learned embedding with
// one extra row for the null label).
//
//   auto net = diffinfo::make_network(diffinfo::NetworkOptions(6).width(256).depth(3));
//   auto img = diffinfo::make_network(diffinfo::unet_preset("small", {1, 28, 28}).classes(10));
//   auto out = net->forward(x_in, tau);      // [B, D], [B, 1] -> [B, D]
#include "diffinfo/condition.h"

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include <string>
#include <vector>

namespace diffinfo {

struct NetworkOptions {
  explicit NetworkOptions(int64_t dim) : dim_(dim) {}
  /// "mlp" | "unet" (default "mlp").
  TORCH_ARG(std::string, arch) = "mlp";
  /// Data dimension D (input and output width; C·H·W for a U-Net).
  TORCH_ARG(int64_t, dim);
  /// MLP: hidden width; U-Net: channels of the first level (default 256).
  TORCH_ARG(int64_t, width) = 256;
  /// MLP: hidden layers; U-Net: residual blocks per level (default 3).
  TORCH_ARG(int64_t, depth) = 3;
  /// Number of Fourier frequencies of the time coordinate (default 16: 32 features).
  TORCH_ARG(int64_t, fourier) = 16;
  /// Width D_Y of a conditioning vector, 0 for none (default 0).
  TORCH_ARG(int64_t, cond_dim) = 0;
  /// Number K of class labels to condition on, 0 for none (default 0).
  TORCH_ARG(int64_t, classes) = 0;
  /// MLP: width of the label embedding (default 32); a U-Net embeds labels at its time-embedding width.
  TORCH_ARG(int64_t, embedding) = 32;
  /// U-Net: image shape {C, H, W}, C·H·W = dim.
  TORCH_ARG(std::vector<int64_t>, image_shape);
  /// U-Net: channel multiplier of each level; each level after the first halves the resolution.
  TORCH_ARG(std::vector<int64_t>, mults) = std::vector<int64_t>{1, 2, 2};
  /// U-Net: self-attention at levels whose side is at most this (the middle always has it).
  TORCH_ARG(int64_t, attention) = 8;
  /// U-Net: dropout inside residual blocks (default 0).
  TORCH_ARG(double, dropout) = 0.0;
  /// U-Net with labels: the label embeddings start at 0, each label as the null label (default: N(0, 1)).
  TORCH_ARG(bool, zero_labels) = false;
  /// U-Net with labels: each label's embedding is scaled per channel by a learned gate of the diffusion
  /// time, g(s) = 2σ(A t(s) + a), 1 at the start, so training can switch labels off at small s (default off).
  TORCH_ARG(bool, label_gate) = false;
  /// Diffusion autoencoder (dae.h): the width D_Z of each latent, z_per and z_sem; 0 for none (default).
  TORCH_ARG(int64_t, latent) = 0;
  /// DAE: the split time τ in s; z_per conditions s < τ, z_sem s ≥ τ (default 0.1).
  TORCH_ARG(double, split_time) = 0.1;
  /// DAE: the same split as the network sees it, its time coordinate τ(s) (score_model.h).
  TORCH_ARG(double, split) = 0.0;
  /// DAE: weight γ of the encoders' KL term KL(q(z|x) ‖ N(0, I)) (Kelly gamblers Eq. 66; default 0.01).
  TORCH_ARG(double, kl_weight) = 0.01;
};

/// The "model" section of a run's config.json: the fields every network has (dim, width, depth, fourier,
/// cond_dim, classes, embedding) and those of its architecture alone — a U-Net's shape, levels and label
/// options, a DAE's latents — so that an MLP run's section is what it always was.
nlohmann::json network_to_json(const NetworkOptions& options);
/// Reads the section back; a missing or malformed field throws "<where>: missing field 'model.<name>'"
/// or names the field and what was expected.
NetworkOptions network_from_json(const nlohmann::json& model, const std::string& where);

/// The known architectures, in order.
std::vector<std::string> network_arches();
/// True for a network of images (a U-Net, or a model from elsewhere with a C×H×W shape): small batches on a
/// CPU, convolutions on LibTorch's threads (cpu.h).
bool image_network(const NetworkOptions& o);
/// The known U-Net presets, in order: tiny (CI-sized), small (2 CPU cores, about an hour), paper (GPU).
std::vector<std::string> unet_presets();
/// U-Net options of a preset for images of `image_shape` {C, H, W}; an unknown name throws listing the known.
NetworkOptions unet_preset(const std::string& name, const std::vector<int64_t>& image_shape);

class NetworkImpl : public torch::nn::Module {
 public:
  explicit NetworkImpl(NetworkOptions options) : options_(std::move(options)) {}
  /// [B, D] scaled points, [B, 1] time coordinate, condition ([B, cond_dim] or [B] labels) -> [B, D].
  virtual torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& tau, const Condition& cond = {}) = 0;
  /// Re-draws every weight from `gen` (seeded initialisation; the output layer starts at 0, so
  /// the untrained model says "the data are at equilibrium").
  virtual void reset_parameters(torch::Generator& gen) = 0;
  /// A term the trainer adds to the loss of the forward pass just made, or undefined (the DAE's KL).
  virtual torch::Tensor penalty() { return {}; }
  /// True when the network takes a condition (vectors or labels).
  bool conditional() const { return options_.cond_dim() > 0 || options_.classes() > 0; }
  const NetworkOptions& options() const { return options_; }

 protected:
  /// Throws unless `cond` fits this network for a batch of `b` rows.
  void check_condition(const Condition& cond, int64_t b) const;
  /// Labels with the null label (K) where the condition is null or not kept.
  torch::Tensor labels_or_null(const Condition& cond, int64_t b, const torch::Device& device) const;
  /// [y·keep, keep] of a vector condition, zeros and keep = 0 for the null condition.
  torch::Tensor vector_input(const Condition& cond, const torch::Tensor& like) const;
  /// [B, 2F+1] τ and its Fourier features; `freqs` from fourier_frequencies().
  static torch::Tensor time_features(const torch::Tensor& tau, const torch::Tensor& freqs);
  /// Geometric frequencies 1 … 64 over τ, which lies in about [−3, 3].
  torch::Tensor fourier_frequencies() const;
  /// Re-draws the Linear and Conv2d layers under `module` (itself included) from `gen` with LibTorch's
  /// default bounds (uniform ±1/√fan_in) and label embeddings from N(0, 1).
  static void redraw_layers(torch::nn::Module& module, torch::Generator& gen);

  NetworkOptions options_;
};

/// A handle to any of the networks; converts from Mlp, UNet and Dae.
class Network : public torch::nn::ModuleHolder<NetworkImpl> {
 public:
  using torch::nn::ModuleHolder<NetworkImpl>::ModuleHolder;
  template <typename Impl>
  Network(const torch::nn::ModuleHolder<Impl>& holder) : ModuleHolder(std::shared_ptr<NetworkImpl>(holder.ptr())) {}  // NOLINT: implicit by design
};

/// A network of `options.arch()`, checked and with LibTorch's default initialisation.
Network make_network(const NetworkOptions& options);

/// Copies every parameter of `from` into `to` (same architecture and options).
void copy_parameters(Network& from, Network& to);

}  // namespace diffinfo
