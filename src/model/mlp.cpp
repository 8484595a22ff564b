#include "diffinfo/model/mlp.h"

#include <cmath>

namespace diffinfo {

MlpImpl::MlpImpl(const NetworkOptions& options) : NetworkImpl(options) {
  TORCH_CHECK(options.dim() >= 1, "MLP needs dim >= 1, got ", options.dim());
  TORCH_CHECK(options.width() >= 1 && options.depth() >= 1, "MLP needs width >= 1 and depth >= 1, got width ",
              options.width(), ", depth ", options.depth());
  TORCH_CHECK(options.fourier() >= 1, "MLP needs fourier >= 1, got ", options.fourier());
  TORCH_CHECK(options.cond_dim() >= 0 && options.classes() >= 0, "MLP needs cond_dim >= 0 and classes >= 0");
  TORCH_CHECK(options.cond_dim() == 0 || options.classes() == 0,
              "MLP conditions on vectors or on labels, not both (cond_dim ", options.cond_dim(), ", classes ",
              options.classes(), ")");
  TORCH_CHECK(options.classes() == 0 || options.embedding() >= 1, "MLP needs embedding >= 1 for labels");
  freqs_ = register_buffer("freqs", fourier_frequencies());
  layers_ = register_module("layers", torch::nn::ModuleList());
  int64_t in = options.dim() + 2 * options.fourier() + 1;
  if (options.cond_dim() > 0) in += options.cond_dim() + 1;  // [y·keep, keep]
  if (options.classes() > 0) {
    embed_ = register_module("embed", torch::nn::Embedding(options.classes() + 1, options.embedding()));
    in += options.embedding();
  }
  for (int64_t i = 0; i < options.depth(); ++i) {
    layers_->push_back(torch::nn::Linear(in, options.width()));
    in = options.width();
  }
  out_ = register_module("out", torch::nn::Linear(in, options.dim()));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x, const torch::Tensor& tau, const Condition& cond) {
  const int64_t b = x.size(0);
  check_condition(cond, b);
  std::vector<torch::Tensor> parts = {x, time_features(tau, freqs_)};
  if (options_.cond_dim() > 0) parts.push_back(vector_input(cond, x));
  if (options_.classes() > 0) parts.push_back(embed_->forward(labels_or_null(cond, b, x.device())));
  auto h = torch::cat(parts, 1);
  // Measuring (no graph): each activation overwrites its pre-activation, one pass and no new tensor.
  const bool in_place = !torch::GradMode::is_enabled();
  for (const auto& layer : *layers_) {
    h = layer->as<torch::nn::Linear>()->forward(h);
    h = in_place ? torch::silu_(h) : torch::silu(h);
  }
  return out_->forward(h);
}

void MlpImpl::reset_parameters(torch::Generator& gen) {
  redraw_layers(*this, gen);
  torch::NoGradGuard no_grad;
  out_->weight.zero_();
  out_->bias.zero_();
}

}  // namespace diffinfo
