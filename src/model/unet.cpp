#include "diffinfo/model/unet.h"

#include <cmath>
#include <numeric>

namespace diffinfo {
namespace {

namespace F = torch::nn::functional;

int64_t groups(int64_t channels) { return std::gcd(channels, std::min<int64_t>(32, std::max<int64_t>(1, channels / 4))); }

torch::nn::Conv2d conv3(int64_t in, int64_t out, int64_t stride = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1));
}

// GroupNorm → SiLU → conv, plus the embedding, → GroupNorm → SiLU → dropout → conv (starts at 0),
// added to the input (through a 1×1 convolution when the channels change); then, at low
// resolution, single-head self-attention over the H·W positions, its projection starting at 0.
class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(int64_t in, int64_t out, int64_t emb, double dropout, bool attend)
      : norm1(register_module("norm1", torch::nn::GroupNorm(groups(in), in))),
        conv1(register_module("conv1", conv3(in, out))),
        emb_proj(register_module("emb", torch::nn::Linear(emb, out))),
        norm2(register_module("norm2", torch::nn::GroupNorm(groups(out), out))),
        drop(register_module("drop", torch::nn::Dropout(dropout))),
        conv2(register_module("conv2", conv3(out, out))) {
    if (in != out) skip = register_module("skip", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
    if (attend) {
      attn_norm = register_module("attn_norm", torch::nn::GroupNorm(groups(out), out));
      qkv = register_module("qkv", torch::nn::Conv2d(torch::nn::Conv2dOptions(out, 3 * out, 1)));
      proj = register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 1)));
    }
  }

  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb) {
    auto h = conv1(torch::silu(norm1(x)));
    h = h + emb_proj(emb).unsqueeze(2).unsqueeze(3);
    h = conv2(drop(torch::silu(norm2(h))));
    h = h + (skip ? skip(x) : x);
    if (!qkv) return h;
    const int64_t b = h.size(0), c = h.size(1), hh = h.size(2), ww = h.size(3);
    auto parts = qkv(attn_norm(h)).reshape({b, 3, c, hh * ww}).unbind(1);  // each [B, C, N]
    auto weights = torch::softmax(torch::bmm(parts[0].transpose(1, 2), parts[1]) / std::sqrt(double(c)), -1);  // [B, N, N]
    auto attended = torch::bmm(parts[2], weights.transpose(1, 2)).reshape({b, c, hh, ww});
    return h + proj(attended);
  }

  /// The convolutions whose output starts at 0, so each block starts as the identity.
  std::vector<torch::nn::Conv2dImpl*> zeroed() {
    std::vector<torch::nn::Conv2dImpl*> z = {conv2.get()};
    if (proj) z.push_back(proj.get());
    return z;
  }

  torch::nn::GroupNorm norm1;
  torch::nn::Conv2d conv1;
  torch::nn::Linear emb_proj;
  torch::nn::GroupNorm norm2;
  torch::nn::Dropout drop;
  torch::nn::Conv2d conv2, skip{nullptr};
  torch::nn::GroupNorm attn_norm{nullptr};
  torch::nn::Conv2d qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(Block);

// The blocks of one level (a ModuleList of Blocks), in order.
torch::Tensor run_blocks(const torch::nn::Module& level, torch::Tensor h, const torch::Tensor& emb) {
  for (const auto& block : level.children()) h = std::dynamic_pointer_cast<BlockImpl>(block)->forward(h, emb);
  return h;
}

torch::Tensor conv(const std::shared_ptr<torch::nn::Module>& module, const torch::Tensor& h) {
  return std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(module)->forward(h);
}

}  // namespace

UNetImpl::UNetImpl(const NetworkOptions& o) : NetworkImpl(o), shape_(o.image_shape()) {
  TORCH_CHECK(shape_.size() == 3 && shape_[0] >= 1 && shape_[1] >= 1 && shape_[2] >= 1,
              "U-Net needs an image shape {C, H, W}, got ", o.image_shape().size(), " numbers");
  TORCH_CHECK(shape_[0] * shape_[1] * shape_[2] == o.dim(), "U-Net: image shape ", shape_[0], "x", shape_[1], "x",
              shape_[2], " does not hold dim ", o.dim());
  TORCH_CHECK(o.width() >= 1 && o.depth() >= 1, "U-Net needs width >= 1 and depth >= 1, got width ", o.width(),
              ", depth ", o.depth());
  TORCH_CHECK(!o.mults().empty() && std::all_of(o.mults().begin(), o.mults().end(), [](int64_t m) { return m >= 1; }),
              "U-Net needs one channel multiplier >= 1 per level");
  TORCH_CHECK(o.fourier() >= 1, "U-Net needs fourier >= 1, got ", o.fourier());
  TORCH_CHECK(o.dropout() >= 0 && o.dropout() < 1, "U-Net dropout must lie in [0, 1), got ", o.dropout());
  TORCH_CHECK(o.cond_dim() >= 0 && o.classes() >= 0 && (o.cond_dim() == 0 || o.classes() == 0),
              "U-Net conditions on vectors or on labels, not both (cond_dim ", o.cond_dim(), ", classes ", o.classes(), ")");
  const int64_t emb = 4 * o.width(), levels = static_cast<int64_t>(o.mults().size());
  freqs_ = register_buffer("freqs", fourier_frequencies());
  time_ = register_module("time", torch::nn::Sequential(torch::nn::Linear(2 * o.fourier() + 1, emb), torch::nn::SiLU(),
                                                         torch::nn::Linear(emb, emb)));
  if (o.classes() > 0) labels_ = register_module("labels", torch::nn::Embedding(o.classes() + 1, emb));
  if (o.cond_dim() > 0) vector_ = register_module("vector", torch::nn::Linear(o.cond_dim() + 1, emb));
  in_ = register_module("conv_in", conv3(shape_[0], o.width()));

  // DDPM's skips: the way down keeps the input convolution's output and every block's and
  // downsampler's; the way up has one block more per level, each taking one of them back.
  down_ = register_module("down", torch::nn::ModuleList());
  downsample_ = register_module("downsample", torch::nn::ModuleList());
  std::vector<int64_t> skips = {o.width()};
  std::vector<bool> attend;
  int64_t ch = o.width(), side = std::max(shape_[1], shape_[2]);
  for (int64_t l = 0; l < levels; ++l) {
    const int64_t out = o.width() * o.mults()[l];
    attend.push_back(side <= o.attention());
    torch::nn::ModuleList blocks;
    for (int64_t i = 0; i < o.depth(); ++i, ch = out) {
      blocks->push_back(Block(ch, out, emb, o.dropout(), attend.back()));
      skips.push_back(out);
    }
    down_->push_back(blocks);
    if (l + 1 < levels) downsample_->push_back(conv3(ch, ch, 2)), skips.push_back(ch), side = (side + 1) / 2;
  }
  middle_ = register_module("middle", torch::nn::ModuleList());
  middle_->push_back(Block(ch, ch, emb, o.dropout(), true));
  middle_->push_back(Block(ch, ch, emb, o.dropout(), false));
  up_ = register_module("up", torch::nn::ModuleList());
  upsample_ = register_module("upsample", torch::nn::ModuleList());
  for (int64_t l = levels - 1; l >= 0; --l) {
    const int64_t out = o.width() * o.mults()[l];
    torch::nn::ModuleList blocks;
    for (int64_t i = 0; i <= o.depth(); ++i, ch = out) {
      blocks->push_back(Block(ch + skips.back(), out, emb, o.dropout(), attend[l]));
      skips.pop_back();
    }
    up_->push_back(blocks);
    if (l > 0) upsample_->push_back(conv3(ch, ch));
  }
  out_norm_ = register_module("out_norm", torch::nn::GroupNorm(groups(ch), ch));
  out_ = register_module("conv_out", conv3(ch, shape_[0]));
  // Registered last, so that the other layers draw what they draw without it.
  if (o.label_gate()) {
    TORCH_CHECK(o.classes() > 0, "U-Net label_gate scales label embeddings: it needs classes > 0");
    gate_ = register_module("label_gate", torch::nn::Linear(emb, emb));
  }
}

torch::Tensor UNetImpl::embedding(const torch::Tensor& tau, const Condition& cond, int64_t b, const torch::Device& device) {
  const auto t = time_->forward(time_features(tau, freqs_));
  auto e = t;
  if (labels_) {
    auto label = labels_->forward(labels_or_null(cond, b, device));
    // With label_gate the label's reach depends on s: below the times where the class is decided a label
    // carries nothing, and a gate near 0 makes every label, the null one too, the same network there.
    if (gate_) label = label * (2.0 * torch::sigmoid(gate_->forward(t)));
    e = e + label;
  }
  if (vector_) e = e + vector_->forward(vector_input(cond, tau));
  return torch::silu(e);
}

torch::Tensor UNetImpl::forward(const torch::Tensor& x, const torch::Tensor& tau, const Condition& cond) {
  const int64_t b = x.size(0);
  TORCH_CHECK(x.dim() == 2 && x.size(1) == options_.dim(), "U-Net expected points [B, ", options_.dim(), "], got ",
              x.sizes());
  check_condition(cond, b);
  const auto emb = embedding(tau, cond, b, x.device());
  auto h = in_(x.reshape({b, shape_[0], shape_[1], shape_[2]}));
  std::vector<torch::Tensor> skips = {h};
  const size_t levels = down_->size();
  for (size_t l = 0; l < levels; ++l) {
    for (const auto& block : down_[l]->children())
      skips.push_back(h = std::dynamic_pointer_cast<BlockImpl>(block)->forward(h, emb));
    if (l + 1 < levels) skips.push_back(h = conv(downsample_[l], h));
  }
  h = run_blocks(*middle_, h, emb);
  for (size_t k = 0; k < levels; ++k) {  // level levels − 1 − k on the way up
    for (const auto& block : up_[k]->children()) {
      h = std::dynamic_pointer_cast<BlockImpl>(block)->forward(torch::cat({h, skips.back()}, 1), emb);
      skips.pop_back();
    }
    if (k + 1 < levels) {  // to the size of the next skip (odd sides round up on the way down)
      const auto& next = skips.back();
      h = F::interpolate(h, F::InterpolateFuncOptions()
                                .size(std::vector<int64_t>{next.size(2), next.size(3)})
                                .mode(torch::kNearest));
      h = conv(upsample_[k], h);
    }
  }
  return out_(torch::silu(out_norm_(h))).reshape({b, options_.dim()});
}

void UNetImpl::reset_parameters(torch::Generator& gen) {
  redraw_layers(*this, gen);
  torch::NoGradGuard no_grad;
  // Each residual branch and the output start at 0: every block starts as the identity and e_θ = 0.
  for (const auto& module : modules(false))
    if (auto* blk = dynamic_cast<BlockImpl*>(module.get()))
      for (auto* c : blk->zeroed()) {
        c->weight.zero_();
        c->bias.zero_();
      }
  out_->weight.zero_();
  out_->bias.zero_();
  // zero_labels: every label starts as the null label, so the conditional model starts equal to the
  // unconditional one and a label moves the output only where training finds it informative. Drawn
  // at random, the labels' embeddings each start as a different network at every s, and the loss
  // barely pulls them together at small s, where the label carries no information: MINDE reads that
  // spread as information. The price: labels are learned more slowly (docs/images.md).
  if (labels_ && options_.zero_labels()) labels_->weight.zero_();
  // The gate starts at 1 on every channel and at every s: the gated network starts as the ungated one.
  if (gate_) {
    gate_->weight.zero_();
    gate_->bias.zero_();
  }
}

}  // namespace diffinfo
