#include "diffinfo/model/mlp.h"

#include <cmath>

namespace diffinfo {

MlpImpl::MlpImpl(const MlpOptions& options) : options_(options) {
  TORCH_CHECK(options.dim() >= 1, "MLP needs dim >= 1, got ", options.dim());
  TORCH_CHECK(options.width() >= 1 && options.depth() >= 1, "MLP needs width >= 1 and depth >= 1, got width ",
              options.width(), ", depth ", options.depth());
  TORCH_CHECK(options.fourier() >= 1, "MLP needs fourier >= 1, got ", options.fourier());
  TORCH_CHECK(options.cond_dim() >= 0, "MLP needs cond_dim >= 0, got ", options.cond_dim());
  // Geometric frequencies 1 … 64 over the time coordinate τ, which lies in about [−3, 3].
  const int64_t f = options.fourier();
  freqs_ = register_buffer("freqs", torch::pow(64.0, torch::arange(f, torch::kFloat32) / std::max<int64_t>(f - 1, 1)));
  layers_ = register_module("layers", torch::nn::ModuleList());
  int64_t in = options.dim() + 2 * f + 1 + options.cond_dim();
  for (int64_t i = 0; i < options.depth(); ++i) {
    layers_->push_back(torch::nn::Linear(in, options.width()));
    in = options.width();
  }
  out_ = register_module("out", torch::nn::Linear(in, options.dim()));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x, const torch::Tensor& tau, const torch::Tensor& cond) {
  auto angle = tau * freqs_;
  std::vector<torch::Tensor> parts = {x, tau, torch::sin(angle), torch::cos(angle)};
  if (options_.cond_dim() > 0) {
    TORCH_CHECK(cond.defined() && cond.dim() == 2 && cond.size(1) == options_.cond_dim(),
                "MLP expected a [B, ", options_.cond_dim(), "] conditioning input");
    parts.push_back(cond);
  }
  auto h = torch::cat(parts, 1);
  for (const auto& layer : *layers_) h = torch::silu(layer->as<torch::nn::Linear>()->forward(h));
  return out_->forward(h);
}

void MlpImpl::reset_parameters(torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (const auto& layer : *layers_) {
    auto* linear = layer->as<torch::nn::Linear>();
    const double bound = 1.0 / std::sqrt(static_cast<double>(linear->weight.size(1)));
    linear->weight.uniform_(-bound, bound, gen);
    linear->bias.uniform_(-bound, bound, gen);
  }
  // e_θ = 0 at the start: the untrained model says "the data are at equilibrium".
  out_->weight.zero_();
  out_->bias.zero_();
}

}  // namespace diffinfo
