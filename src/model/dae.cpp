#include "diffinfo/model/dae.h"

#include "diffinfo/process.h"

#include <cmath>

namespace diffinfo {

DaeImpl::DaeImpl(const NetworkOptions& options) : NetworkImpl(options) {
  TORCH_CHECK(options.latent() > 0, "a DAE needs latent >= 1");
  TORCH_CHECK(options.cond_dim() == options.dim() && options.classes() == 0,
              "a DAE is conditioned on x0 itself: it needs cond_dim = dim (", options.dim(), "), got ", options.cond_dim());
  TORCH_CHECK(options.split_time() > 0 && options.split_time() < 1, "DAE split time must lie in (0, 1), got ",
              options.split_time());
  TORCH_CHECK(options.kl_weight() >= 0, "DAE KL weight must be >= 0, got ", options.kl_weight());
  per_ = register_module("per", make_encoder());
  sem_ = register_module("sem", make_encoder());
  auto inner = options;
  decoder_ = register_module("decoder", make_network(inner.latent(0).cond_dim(options.latent())).ptr());
}

// A convolutional encoder for images (two stride-2 convolutions), an MLP otherwise; out: [μ, log σ²].
torch::nn::Sequential DaeImpl::make_encoder() const {
  const auto& o = options_;
  const int64_t out = 2 * o.latent();
  if (o.image_shape().size() == 3) {
    const auto& sh = o.image_shape();
    const int64_t h = (sh[1] + 3) / 4, w = (sh[2] + 3) / 4;
    return torch::nn::Sequential(
        torch::nn::Unflatten(torch::nn::UnflattenOptions(1, {sh[0], sh[1], sh[2]})),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(sh[0], 32, 3).stride(2).padding(1)), torch::nn::SiLU(),
        torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).stride(2).padding(1)), torch::nn::SiLU(),
        torch::nn::Flatten(), torch::nn::Linear(64 * h * w, out));
  }
  return torch::nn::Sequential(torch::nn::Linear(o.dim(), 256), torch::nn::SiLU(), torch::nn::Linear(256, 256),
                               torch::nn::SiLU(), torch::nn::Linear(256, out));
}

std::pair<torch::Tensor, torch::Tensor> DaeImpl::encode(const torch::Tensor& x0) {
  TORCH_CHECK(x0.dim() == 2 && x0.size(1) == options_.dim(), "DAE expected points [B, ", options_.dim(), "], got ",
              x0.sizes());
  const int64_t k = options_.latent();
  return {per_->forward(x0).narrow(1, 0, k), sem_->forward(x0).narrow(1, 0, k)};
}

torch::Tensor DaeImpl::forward(const torch::Tensor& x, const torch::Tensor& tau, const Condition& cond) {
  const int64_t b = x.size(0), k = options_.latent();
  check_condition(cond, b);
  if (cond.is_null()) return decoder_->forward(x, tau);
  auto draw = [&](torch::nn::Sequential& encoder, torch::Tensor& kl) {
    auto h = encoder->forward(cond.value);
    auto mu = h.narrow(1, 0, k), logvar = h.narrow(1, k, k).clamp(-12.0, 6.0);
    if (!is_training()) return mu;
    // Reparameterised draw; the noise comes from LibTorch's default generator, which the trainer
    // reseeds every step, so a resumed run draws what an unbroken one would.
    auto z = mu + torch::exp(0.5 * logvar) * torch::randn_like(mu);
    auto term = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1);
    kl = kl.defined() ? kl + term : term;
    return z;
  };
  torch::Tensor kl;
  auto z_per = draw(per_, kl), z_sem = draw(sem_, kl);
  if (kl.defined()) {
    // Rows whose condition is dropped never see a latent: their KL does not count.
    const auto kept = cond.keep.defined() ? cond.keep.to(kl.dtype()) : torch::ones_like(kl);
    kl_ = options_.kl_weight() * (kl * kept).mean();
  }
  // Split loss (Eq. 74): τ(s) falls with s, so s < split_time is τ > split.
  auto z = torch::where(tau > options_.split(), z_per, z_sem);
  return decoder_->forward(x, tau, {z, cond.keep});
}

torch::Tensor DaeImpl::penalty() { return std::exchange(kl_, torch::Tensor()); }

void DaeImpl::reset_parameters(torch::Generator& gen) {
  decoder_->reset_parameters(gen);
  redraw_layers(*per_, gen);
  redraw_layers(*sem_, gen);
}

double dae_split_coordinate(const ForwardProcess& process, double split_time, double data_var) {
  auto s = torch::full({1, 1}, split_time, torch::kFloat64);
  return (torch::log(process.mean_factor(s).pow(2) * data_var / process.kernel_var(s)) / 8.0).item<double>();
}

}  // namespace diffinfo
