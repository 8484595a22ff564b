#include "diffinfo/model/mlp.h"

#include <cmath>

namespace diffinfo {

MlpImpl::MlpImpl(const MlpOptions& options) : options_(options) {
  TORCH_CHECK(options.dim() >= 1, "MLP needs dim >= 1, got ", options.dim());
  TORCH_CHECK(options.width() >= 1 && options.depth() >= 1, "MLP needs width >= 1 and depth >= 1, got width ",
              options.width(), ", depth ", options.depth());
  TORCH_CHECK(options.fourier() >= 1, "MLP needs fourier >= 1, got ", options.fourier());
  TORCH_CHECK(options.cond_dim() >= 0 && options.classes() >= 0, "MLP needs cond_dim >= 0 and classes >= 0");
  TORCH_CHECK(options.cond_dim() == 0 || options.classes() == 0,
              "MLP conditions on vectors or on labels, not both (cond_dim ", options.cond_dim(), ", classes ",
              options.classes(), ")");
  TORCH_CHECK(options.classes() == 0 || options.embedding() >= 1, "MLP needs embedding >= 1 for labels");
  // Geometric frequencies 1 … 64 over the time coordinate τ, which lies in about [−3, 3].
  const int64_t f = options.fourier();
  freqs_ = register_buffer("freqs", torch::pow(64.0, torch::arange(f, torch::kFloat32) / std::max<int64_t>(f - 1, 1)));
  layers_ = register_module("layers", torch::nn::ModuleList());
  int64_t in = options.dim() + 2 * f + 1;
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
  auto angle = tau * freqs_;
  std::vector<torch::Tensor> parts = {x, tau, torch::sin(angle), torch::cos(angle)};
  TORCH_CHECK(conditional() || cond.is_null(), "this network was trained without conditioning");
  TORCH_CHECK(!cond.keep.defined() || (cond.keep.dim() == 1 && cond.keep.size(0) == b),
              "MLP expected a [", b, "] keep mask, got ", cond.keep.sizes());
  if (options_.cond_dim() > 0) {
    auto keep = cond.is_null() ? torch::zeros({b, 1}, x.options())
                : cond.keep.defined() ? cond.keep.to(x.dtype()).unsqueeze(1)
                                      : torch::ones({b, 1}, x.options());
    auto y = cond.is_null() ? torch::zeros({b, options_.cond_dim()}, x.options()) : cond.value;
    TORCH_CHECK(y.dim() == 2 && y.size(0) == b && y.size(1) == options_.cond_dim(), "MLP expected a [", b, ", ",
                options_.cond_dim(), "] conditioning vector, got ", y.sizes());
    parts.push_back(y.to(x.dtype()) * keep);
    parts.push_back(keep);
  } else if (options_.classes() > 0) {
    auto null = torch::full({b}, options_.classes(), torch::dtype(torch::kInt64).device(x.device()));
    auto labels = cond.is_null() ? null : cond.value;
    TORCH_CHECK(labels.dim() == 1 && labels.size(0) == b && labels.scalar_type() == torch::kInt64,
                "MLP expected [", b, "] int64 labels, got ", labels.sizes(), " ", labels.scalar_type());
    if (cond.keep.defined() && !cond.is_null()) labels = torch::where(cond.keep, labels, null);
    parts.push_back(embed_->forward(labels));
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
  if (embed_) embed_->weight.normal_(0.0, 1.0, gen);
  // e_θ = 0 at the start: the untrained model says "the data are at equilibrium".
  out_->weight.zero_();
  out_->bias.zero_();
}

}  // namespace diffinfo
