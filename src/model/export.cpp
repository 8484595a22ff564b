#include "diffinfo/model/export.h"

#include "diffinfo/io/files.h"

#include <torch/script.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace diffinfo {
namespace {

std::string num(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  std::string s = b;
  return s.find_first_of(".en") == std::string::npos ? s + ".0" : s;
}

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

void check_exportable(ScoreModel& model) {
  const auto& o = model.net()->options();
  if (o.arch() != "mlp")
    throw std::runtime_error("export writes MLP runs; a '" + o.arch() + "' network cannot be exported yet");
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
  src += "    s = t.to(x.dtype).unsqueeze(1)\n" + schedule_lines(model.process().config());
  src += "    scale = torch.rsqrt(mu2 * " + v + " + var)\n";
  src += "    tau = torch.log(mu2 * " + v + " / var) / 8.0\n";
  src += "    angle = tau * self.freqs\n";
  src += std::string("    h = torch.cat([x * scale, tau, torch.sin(angle), torch.cos(angle)") +
         (labels ? ", self.embed.index_select(0, y)" : "") + "], 1)\n";
  for (int64_t i = 0; i < o.depth(); ++i)
    src += "    h = torch.silu(torch.linear(h, self.w" + std::to_string(i) + ", self.b" + std::to_string(i) + "))\n";
  src += "    return scale * torch.linear(h, self.w_out, self.b_out)\n";
  return src;
}

void export_torchscript(ScoreModel& model, const std::string& path) {
  const auto src = torchscript_source(model);
  const auto& o = model.net()->options();
  torch::jit::Module m("diffinfo_export");
  torch::NoGradGuard no_grad;
  const auto params = model.net()->named_parameters();
  auto copy = [](const torch::Tensor& t) { return t.detach().to(torch::kCPU).clone(); };
  for (int64_t i = 0; i < o.depth(); ++i) {
    const auto prefix = "layers." + std::to_string(i) + ".";
    m.register_parameter("w" + std::to_string(i), copy(params[prefix + "weight"]), false);
    m.register_parameter("b" + std::to_string(i), copy(params[prefix + "bias"]), false);
  }
  m.register_parameter("w_out", copy(params["out.weight"]), false);
  m.register_parameter("b_out", copy(params["out.bias"]), false);
  if (o.classes() > 0) m.register_parameter("embed", copy(params["embed.weight"]), false);
  m.register_buffer("freqs", copy(model.net()->named_buffers()["freqs"]));
  m.define(src);
  replace_atomically(path, [&](const std::string& tmp) { m.save(tmp); });
}

}  // namespace diffinfo
