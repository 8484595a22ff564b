#include "diffinfo/model/export.h"

#include "diffinfo/io/files.h"

#include <torch/script.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

namespace diffinfo {
namespace {

std::string num(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  std::string s = b;
  return s.find_first_of(".en") == std::string::npos ? s + ".0" : s;
}

// A parameter or buffer of the network as the module's attribute: "down.0.1.conv1.weight" -> self.down_0_1_conv1_weight.
std::string attr(std::string name) {
  for (auto& c : name)
    if (c == '.') c = '_';
  return name;
}
std::string self(const std::string& name) { return "self." + attr(name); }

// μ² and Σ at s ([B, 1]), as the process computes them (processes/*.cpp), in TorchScript.
std::string schedule_lines(const nlohmann::json& p) {
  const auto name = p["name"].get<std::string>();
  if (name == "vp" || name == "vpx") {
    const double lo = p["beta_min"], hi = p["beta_max"], kappa = p.value("kappa", 1.0);
    return "    bi = " + num(lo) + " * s + " + num(0.5 * (hi - lo)) + " * s * s\n" +
           "    mu2 = torch.exp(-0.5 * bi).pow(2)\n" + "    var = " + num(-(kappa * kappa)) + " * torch.expm1(-bi)\n";
  }
  if (name == "sl") {
    const double s0 = p["sigma0"];
    return "    mu2 = (1.0 - s).pow(2)\n    var = " + num(s0 * s0) + " * s * (2.0 - s)\n";
  }
  if (name == "ve") {
    const double lo = p["sigma_min"], hi = p["sigma_max"];
    return "    mu2 = torch.ones_like(s).pow(2)\n    var = " + num(lo * lo) + " * torch.expm1(" +
           num(2.0 * std::log(hi / lo)) + " * s)\n";
  }
  throw std::runtime_error("export: process '" + name + "' cannot be written out");
}

// The MLP (model/mlp.cpp) on x_in = xf * scale: [x_in, τ, sin, cos, label embedding] through SiLU layers.
std::string mlp_lines(const NetworkOptions& o) {
  std::string src = std::string("    h = torch.cat([xf * scale, tau, torch.sin(angle), torch.cos(angle)") +
                    (o.classes() > 0 ? ", self.embed_weight.index_select(0, y)" : "") + "], 1)\n";
  for (int64_t i = 0; i < o.depth(); ++i) {
    const auto l = "layers." + std::to_string(i) + ".";
    src += "    h = torch.silu(torch.linear(h, " + self(l + "weight") + ", " + self(l + "bias") + "))\n";
  }
  return src + "    out = torch.linear(h, self.out_weight, self.out_bias)\n";
}

// The U-Net (model/unet.cpp), written out from its parameters' names and shapes.
class UNetWriter {
 public:
  UNetWriter(const NetworkOptions& o, const torch::OrderedDict<std::string, torch::Tensor>& params) : o_(o) {
    for (const auto& p : params) names_.insert(p.key()), shapes_[p.key()] = p.value().sizes().vec();
  }

  std::string lines() {
    const auto& shape = o_.image_shape();
    src_ += "    tf = torch.cat([tau, torch.sin(angle), torch.cos(angle)], 1)\n";
    src_ += "    te = torch.linear(torch.silu(" + linear("tf", "time.0") + "), " + self("time.2.weight") + ", " +
            self("time.2.bias") + ")\n";
    std::string e = "te";
    if (o_.classes() > 0) {
      src_ += "    lab = self.labels_weight.index_select(0, y)\n";
      if (has("label_gate.weight")) src_ += "    lab = lab * (2.0 * torch.sigmoid(" + linear("te", "label_gate") + "))\n";
      e = "te + lab";
    }
    src_ += "    emb = torch.silu(" + e + ")\n";
    src_ += "    h = " + conv("(xf * scale).reshape([xf.size(0), " + std::to_string(shape[0]) + ", " + std::to_string(shape[1]) +
            ", " + std::to_string(shape[2]) + "])", "conv_in", 1, 1) + "\n";
    push_skip();
    const auto levels = static_cast<int64_t>(o_.mults().size());
    for (int64_t l = 0; l < levels; ++l) {
      for (int64_t i = 0; i < o_.depth(); ++i) {
        block("h", "down." + std::to_string(l) + "." + std::to_string(i));
        push_skip();
      }
      if (l + 1 < levels) {
        src_ += "    h = " + conv("h", "downsample." + std::to_string(l), 2, 1) + "\n";
        push_skip();
      }
    }
    block("h", "middle.0");
    block("h", "middle.1");
    for (int64_t k = 0; k < levels; ++k) {
      for (int64_t i = 0; i <= o_.depth(); ++i) block("torch.cat([h, " + pop_skip() + "], 1)", "up." + std::to_string(k) + "." + std::to_string(i));
      if (k + 1 < levels) {
        const auto next = "s" + std::to_string(skips_.back());
        src_ += "    h = torch.upsample_nearest2d(h, [" + next + ".size(2), " + next + ".size(3)])\n";
        src_ += "    h = " + conv("h", "upsample." + std::to_string(k), 1, 1) + "\n";
      }
    }
    src_ += "    out = " + conv("torch.silu(" + norm("h", "out_norm") + ")", "conv_out", 1, 1) + ".reshape([xf.size(0), " +
            std::to_string(o_.dim()) + "])\n";
    return src_;
  }

 private:
  bool has(const std::string& name) const { return names_.count(name) > 0; }
  std::string linear(const std::string& x, const std::string& m) const {
    return "torch.linear(" + x + ", " + self(m + ".weight") + ", " + self(m + ".bias") + ")";
  }
  std::string conv(const std::string& x, const std::string& m, int stride, int pad) const {
    return "torch.conv2d(" + x + ", " + self(m + ".weight") + ", " + self(m + ".bias") + ", [" + std::to_string(stride) + ", " +
           std::to_string(stride) + "], [" + std::to_string(pad) + ", " + std::to_string(pad) + "])";
  }
  std::string norm(const std::string& x, const std::string& m) {
    const int64_t c = shapes_.at(m + ".weight")[0];
    const int64_t g = std::gcd(c, std::min<int64_t>(32, std::max<int64_t>(1, c / 4)));  // unet.cpp's groups()
    return "torch.group_norm(" + x + ", " + std::to_string(g) + ", " + self(m + ".weight") + ", " + self(m + ".bias") + ", 1e-05)";
  }
  // A residual block (and its attention) on `input`, into h.
  void block(const std::string& input, const std::string& m) {
    src_ += "    bx = " + input + "\n";
    src_ += "    bh = " + conv("torch.silu(" + norm("bx", m + ".norm1") + ")", m + ".conv1", 1, 1) + "\n";
    src_ += "    bh = bh + " + linear("emb", m + ".emb") + ".unsqueeze(2).unsqueeze(3)\n";
    src_ += "    bh = " + conv("torch.silu(" + norm("bh", m + ".norm2") + ")", m + ".conv2", 1, 1) + "\n";
    src_ += "    h = bh + " + (has(m + ".skip.weight") ? conv("bx", m + ".skip", 1, 0) : std::string("bx")) + "\n";
    if (!has(m + ".qkv.weight")) return;
    const int64_t c = shapes_.at(m + ".proj.weight")[0];
    src_ += "    qkv = " + conv(norm("h", m + ".attn_norm"), m + ".qkv", 1, 0) + ".reshape([h.size(0), 3, " + std::to_string(c) +
            ", h.size(2) * h.size(3)]).unbind(1)\n";
    src_ += "    aw = torch.softmax(torch.bmm(qkv[0].transpose(1, 2), qkv[1]) / " + num(std::sqrt(double(c))) + ", -1)\n";
    src_ += "    h = h + " + conv("torch.bmm(qkv[2], aw.transpose(1, 2)).reshape(h.shape)", m + ".proj", 1, 0) + "\n";
  }
  void push_skip() {
    src_ += "    s" + std::to_string(count_) + " = h\n";
    skips_.push_back(count_++);
  }
  std::string pop_skip() {
    const auto s = "s" + std::to_string(skips_.back());
    skips_.pop_back();
    return s;
  }

  const NetworkOptions& o_;
  std::set<std::string> names_;
  std::map<std::string, std::vector<int64_t>> shapes_;
  std::vector<int> skips_;
  int count_ = 0;
  std::string src_;
};

void check_exportable(ScoreModel& model) {
  const auto& o = model.net()->options();
  if (o.arch() != "mlp" && o.arch() != "unet")
    throw std::runtime_error("export writes MLP and U-Net runs; a '" + o.arch() + "' network cannot be exported");
  if (model.joint_split() > 0) throw std::runtime_error("export: a joint model (train --joint) cannot be exported");
  if (o.cond_dim() > 0) throw std::runtime_error("export: a vector-conditioned model (train --cond) cannot be exported yet");
}

}  // namespace

std::string torchscript_source(ScoreModel& model) {
  check_exportable(model);
  const auto& o = model.net()->options();
  const bool labels = o.classes() > 0;
  const std::string v = num(model.data_var());
  std::string src = labels ? "def forward(self, x: Tensor, t: Tensor, y: Tensor) -> Tensor:\n"
                           : "def forward(self, x: Tensor, t: Tensor) -> Tensor:\n";
  src += "    xf = x.reshape([x.size(0), -1])\n";
  src += "    s = t.to(xf.dtype).unsqueeze(1)\n" + schedule_lines(model.process().config());
  src += "    scale = torch.rsqrt(mu2 * " + v + " + var)\n";
  src += "    tau = torch.log(mu2 * " + v + " / var) / 8.0\n";
  src += "    angle = tau * self.freqs\n";
  src += o.arch() == "mlp" ? mlp_lines(o) : UNetWriter(o, model.net()->named_parameters()).lines();
  src += "    return (scale * out).reshape(x.shape)\n";
  return src;
}

void export_torchscript(ScoreModel& model, const std::string& path) {
  const auto src = torchscript_source(model);
  torch::jit::Module m("diffinfo_export");
  torch::NoGradGuard no_grad;
  for (const auto& p : model.net()->named_parameters()) m.register_parameter(attr(p.key()), p.value().detach().to(torch::kCPU).clone(), false);
  m.register_buffer("freqs", model.net()->named_buffers()["freqs"].detach().to(torch::kCPU).clone());
  m.define(src);
  replace_atomically(path, [&](const std::string& tmp) { m.save(tmp); });
}

}  // namespace diffinfo
