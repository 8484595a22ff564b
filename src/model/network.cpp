#include "diffinfo/model/network.h"

#include "diffinfo/io/json_file.h"

#include "diffinfo/model/dae.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/model/unet.h"
#include "diffinfo/names.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace diffinfo {

std::vector<std::string> network_arches() { return {"mlp", "unet"}; }

bool image_network(const NetworkOptions& o) { return o.arch() == "unet" || o.image_shape().size() == 3; }

namespace {

// model[key] with an error naming the file and the field.
const nlohmann::json& field(const nlohmann::json& model, const std::string& key, const std::string& where) {
  if (!model.contains(key)) throw std::runtime_error(where + ": missing field 'model." + key + "'");
  return model[key];
}

}  // namespace

nlohmann::json network_to_json(const NetworkOptions& o) {
  nlohmann::json j = {{"dim", o.dim()},           {"width", o.width()},       {"depth", o.depth()}, {"fourier", o.fourier()},
                      {"cond_dim", o.cond_dim()}, {"classes", o.classes()}, {"embedding", o.embedding()}};
  if (o.arch() != "mlp")  // absent for an MLP: its section is what it always was
    j.update({{"arch", o.arch()}, {"image_shape", o.image_shape()}, {"mults", o.mults()}, {"attention", o.attention()},
              {"dropout", o.dropout()}});
  if (o.zero_labels()) j["zero_labels"] = true;  // absent otherwise: older checkpoints stay loadable
  if (o.label_gate()) j["label_gate"] = true;    // likewise
  if (o.latent() > 0)  // a diffusion autoencoder (dae.h)
    j.update({{"latent", o.latent()}, {"split_time", o.split_time()}, {"split", o.split()}, {"kl_weight", o.kl_weight()},
              {"image_shape", o.image_shape()}});
  return j;
}

NetworkOptions network_from_json(const nlohmann::json& m, const std::string& where) {
  return in_file(where, [&] {
  // Each field of its type and range, or one line naming the file and the field.
  const auto integer = [&](const char* key, int64_t low, int64_t high) {
    (void)field(m, key, where);
    return json_integer(m, key, low, high);
  };
  const auto number = [&](const char* key, double low, double high) {
    (void)field(m, key, where);
    return json_number(m, key, low, high);
  };
  const auto integers = [&](const char* key, int64_t low, int64_t high) {
    (void)field(m, key, where);
    return json_integers(m, key, low, high);
  };
  auto o = NetworkOptions(integer("dim", 1, int64_t{1} << 24))
               .width(integer("width", 1, int64_t{1} << 16))
               .depth(integer("depth", 1, 1024))
               .fourier(integer("fourier", 1, 1 << 12))
               .cond_dim(integer("cond_dim", 0, int64_t{1} << 24))
               .classes((m.contains("classes") ? json_integer(m, "classes", 0, 1 << 20) : 0))
               .embedding((m.contains("embedding") ? json_integer(m, "embedding", 1, 1 << 16) : 32))
               .arch(m.value("arch", std::string("mlp")));
  if (o.arch() == "unet")
    o.image_shape(integers("image_shape", 1, int64_t{1} << 24))
        .mults(integers("mults", 1, 1024))
        .attention(integer("attention", 0, 1 << 20))
        .dropout(number("dropout", 0, 1))
        .zero_labels(m.value("zero_labels", false))  // absent in runs from before the flag
        .label_gate(m.value("label_gate", false));   // likewise
  if ((m.contains("latent") ? json_integer(m, "latent", 0, 1 << 20) : 0) > 0)
    o.latent(integer("latent", 0, 1 << 20))
        .split_time(number("split_time", 0, 1))
        .split(number("split", -1e3, 1e3))  // the log-SNR coordinate of split_time
        .kl_weight(number("kl_weight", 0, 1e6))
        .image_shape(integers("image_shape", 1, int64_t{1} << 24));
  if (!is_known(network_arches(), o.arch()))
    throw std::runtime_error(where + ": " + unknown_name("model.arch", o.arch(), network_arches()));
  return o;
  });
}

std::vector<std::string> unet_presets() { return {"tiny", "small", "paper"}; }

NetworkOptions unet_preset(const std::string& name, const std::vector<int64_t>& image_shape) {
  TORCH_CHECK(image_shape.size() == 3, "a U-Net needs an image shape {C, H, W}");
  const int64_t dim = image_shape[0] * image_shape[1] * image_shape[2];
  auto o = NetworkOptions(dim).arch("unet").image_shape(image_shape);
  if (name == "tiny") return o.width(16).depth(1).mults({1, 2}).attention(0);
  if (name == "small") return o.width(32).depth(1).mults({1, 2, 2}).attention(8);
  // DDPM's CIFAR-10 network (Ho et al. 2020): 128 channels, 2 blocks per level, attention at 16x16.
  if (name == "paper") return o.width(128).depth(2).mults({1, 2, 2, 2}).attention(16).dropout(0.1);
  throw std::invalid_argument(unknown_name("U-Net preset", name, unet_presets()));
}

Network make_network(const NetworkOptions& options) {
  // Before any weight is allocated: a typo (--width 100000000) is one line, not the allocator's.
  const auto at_most = [](const char* name, int64_t v, int64_t high) {
    if (v > high) throw std::invalid_argument("model." + std::string(name) + " must be at most " + std::to_string(high) +
                                              ", got " + std::to_string(v));
  };
  at_most("width", options.width(), int64_t{1} << 16);
  at_most("depth", options.depth(), 1024);
  at_most("dim", options.dim(), int64_t{1} << 24);
  at_most("fourier", options.fourier(), 1 << 12);
  at_most("classes", options.classes(), 1 << 20);
  at_most("embedding", options.embedding(), 1 << 16);
  at_most("cond_dim", options.cond_dim(), int64_t{1} << 24);
  if (options.arch() == "mlp") {  // weights of the hidden layers and of the widest outer layer
    const double weights = double(options.depth()) * double(options.width()) * double(options.width()) +
                           double(options.width()) * double(options.dim() + options.cond_dim() + 2 * options.fourier());
    if (weights > double(int64_t{1} << 31))
      throw std::invalid_argument("an MLP of width " + std::to_string(options.width()) + ", depth " +
                                  std::to_string(options.depth()) + " on " + std::to_string(options.dim()) +
                                  " dimensions would hold more than 2^31 weights");
  }
  if (options.latent() > 0) return Dae(options);
  if (options.arch() == "mlp") return Mlp(options);
  if (options.arch() == "unet") return UNet(options);
  throw std::invalid_argument(unknown_name("network architecture", options.arch(), network_arches()));
}

void copy_parameters(Network& from, Network& to) {
  torch::NoGradGuard no_grad;
  auto src = from->parameters();
  auto dst = to->parameters();
  TORCH_CHECK(src.size() == dst.size(), "copy_parameters: networks of different shapes");
  for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
}

void NetworkImpl::check_condition(const Condition& cond, int64_t b) const {
  TORCH_CHECK(conditional() || cond.is_null(), "this network was trained without conditioning");
  TORCH_CHECK(!cond.keep.defined() || (cond.keep.dim() == 1 && cond.keep.size(0) == b), "network expected a [", b,
              "] keep mask, got ", cond.keep.sizes());
  if (cond.is_null()) return;
  if (options_.cond_dim() > 0)
    TORCH_CHECK(cond.value.dim() == 2 && cond.value.size(0) == b && cond.value.size(1) == options_.cond_dim(),
                "network expected a [", b, ", ", options_.cond_dim(), "] conditioning vector, got ", cond.value.sizes());
  if (options_.classes() > 0)
    TORCH_CHECK(cond.value.dim() == 1 && cond.value.size(0) == b && cond.value.scalar_type() == torch::kInt64,
                "network expected [", b, "] int64 labels, got ", cond.value.sizes(), " ", cond.value.scalar_type());
}

torch::Tensor NetworkImpl::labels_or_null(const Condition& cond, int64_t b, const torch::Device& device) const {
  auto null = torch::full({b}, options_.classes(), torch::dtype(torch::kInt64).device(device));
  if (cond.is_null()) return null;
  return cond.keep.defined() ? torch::where(cond.keep, cond.value, null) : cond.value;
}

torch::Tensor NetworkImpl::vector_input(const Condition& cond, const torch::Tensor& like) const {
  const int64_t b = like.size(0);
  auto keep = cond.is_null()         ? torch::zeros({b, 1}, like.options())
              : cond.keep.defined() ? cond.keep.to(like.dtype()).unsqueeze(1)
                                    : torch::ones({b, 1}, like.options());
  auto y = cond.is_null() ? torch::zeros({b, options_.cond_dim()}, like.options()) : cond.value.to(like.dtype());
  return torch::cat({y * keep, keep}, 1);
}

torch::Tensor NetworkImpl::time_features(const torch::Tensor& tau, const torch::Tensor& freqs) {
  auto angle = tau * freqs;
  return torch::cat({tau, torch::sin(angle), torch::cos(angle)}, 1);
}

void NetworkImpl::redraw_layers(torch::nn::Module& module, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  auto uniform = [&gen](torch::Tensor& weight, torch::Tensor& bias, int64_t fan_in) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    weight.uniform_(-bound, bound, gen);
    if (bias.defined()) bias.uniform_(-bound, bound, gen);
  };
  for (const auto& m : module.modules(/*include_self=*/true)) {
    if (auto* c = dynamic_cast<torch::nn::Conv2dImpl*>(m.get())) uniform(c->weight, c->bias, c->weight[0].numel());
    else if (auto* f = dynamic_cast<torch::nn::LinearImpl*>(m.get())) uniform(f->weight, f->bias, f->weight.size(1));
    else if (auto* e = dynamic_cast<torch::nn::EmbeddingImpl*>(m.get())) e->weight.normal_(0.0, 1.0, gen);
  }
}

torch::Tensor NetworkImpl::fourier_frequencies() const {
  const int64_t f = options_.fourier();
  return torch::pow(64.0, torch::arange(f, torch::kFloat32) / std::max<int64_t>(f - 1, 1));
}

}  // namespace diffinfo
