#include "diffinfo/model/torchscript.h"

#include "diffinfo/io/json_tensor.h"
#include "diffinfo/processes/discrete.h"

#include <torch/script.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace diffinfo {
namespace {

// LibTorch's message, first line only, shortened: a one-line error keeps it as the cause.
std::string first_line(const std::string& what) {
  auto line = what.substr(0, what.find('\n'));
  return line.size() > 160 ? line.substr(0, 157) + "..." : line;
}

std::string sizes(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "] " + std::string(c10::toString(t.scalar_type()));
}

}  // namespace

TorchScriptModel::TorchScriptModel(const std::string& path, const ModelCard& card,
                                   std::shared_ptr<const ForwardProcess> process, const torch::Device& device)
    : path_(path), card_(card), process_(std::move(process)) {
  auto fail = [&](const std::string& what) { return std::runtime_error(path + ": " + what); };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw fail("no such file (expected a TorchScript archive, FILE.pt)");
  try {
    module_ = std::make_unique<torch::jit::Module>(torch::jit::load(path, device));
  } catch (const c10::Error& e) {
    throw fail("not a TorchScript archive (expected torch.jit.save of a scripted or traced module; a state_dict "
               "saved with torch.save is not one): " + first_line(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw fail("not a TorchScript archive: " + first_line(e.what()));
  }
  module_->eval();
  const auto method = module_->find_method("forward");
  if (!method) throw fail("the module has no forward method (expected forward(x, t) or forward(x, t, y))");
  const auto arity = method->function().getSchema().arguments().size();  // self included
  if (arity != 3 && arity != 4)
    throw fail("forward takes " + std::to_string(arity - 1) + " arguments; expected forward(x, t) or forward(x, t, y)");
  conditional_ = arity == 4;
  for (const auto& p : module_->parameters())
    if (p.is_floating_point()) { dtype_ = p.scalar_type(); break; }

  if (!card_.prediction) throw fail("say what the model predicts: --prediction-type or \"prediction_type\" in its card");
  if (!card_.time_input) throw fail("say what its time input is: --time-input or \"time_input\" in its card");
  if (card_.time_input == TimeInput::kIndex && !dynamic_cast<const DiscreteProcess*>(process_.get()))
    throw fail("time input 'index' needs a discrete schedule (--scheduler-config, or \"scheduler\" in the card)");
  if (card_.shape.empty()) throw fail("the model's shape is unknown: give \"shape\" in the card, --image-shape or --data");
  const auto kind = card_.condition.value_or(CondKind::kNone);
  if (conditional_ && kind == CondKind::kNone)
    throw fail("forward takes a condition y: say \"condition\": \"labels\" with \"classes\", or \"vector\" with "
               "\"cond_dim\", in its card");
  if (!conditional_ && kind != CondKind::kNone)
    throw fail("the card says condition '" + name(kind) + "' but forward takes no y (expected forward(x, t, y))");
  if ((kind == CondKind::kLabels || kind == CondKind::kCoordinates) && card_.classes < 1)
    throw fail("a label-conditioned model needs its label count: \"classes\" in its card, or --classes");
  if (kind == CondKind::kVector && card_.cond_dim < 1)
    throw fail("a vector-conditioned model needs the width of y: \"cond_dim\" in its card");
  if (card_.null_label && (kind != CondKind::kLabels && kind != CondKind::kCoordinates))
    throw fail("\"null_label\" is for label-conditioned models");
  if (card_.null_label && (*card_.null_label < -1 || *card_.null_label > card_.classes))
    throw fail("null_label " + std::to_string(*card_.null_label) + " is outside -1…" + std::to_string(card_.classes));
  if (card_.null_label && *card_.null_label >= 0 && *card_.null_label < card_.classes)
    throw fail("null_label " + std::to_string(*card_.null_label) + " is one of the classes 0…" +
               std::to_string(card_.classes - 1) + "; the null label must be another index (K or -1)");
  if (!card_.check.is_null()) verify(card_.check, device);
}

TorchScriptModel::~TorchScriptModel() = default;

torch::Tensor TorchScriptModel::time_argument(const torch::Tensor& s) const {
  switch (*card_.time_input) {
    case TimeInput::kS: return s;
    case TimeInput::kSigma: return process_->kernel_var(s).sqrt();
    case TimeInput::kIndex: return static_cast<const DiscreteProcess&>(*process_).timestep(s);
  }
  return s;
}

torch::Tensor TorchScriptModel::condition_argument(const Condition& cond, int64_t b, const torch::Device& device) const {
  const auto kind = card_.condition.value_or(CondKind::kNone);
  const bool needs_null = cond.is_null() || (cond.keep.defined() && !cond.keep.all().item<bool>());
  if (needs_null && (kind == CondKind::kVector || !card_.null_label))
    throw std::runtime_error(path_ + ": the model has no null " + (kind == CondKind::kVector ? "condition" : "label (\"null_label\" in its card)") +
                             ", so it cannot give p(x); pass an unconditional model with --uncond-model FILE.pt");
  if (kind == CondKind::kVector) {
    if (cond.value.dim() != 2 || cond.value.size(0) != b || cond.value.size(1) != card_.cond_dim)
      throw std::runtime_error(path_ + ": expected conditions y [" + std::to_string(b) + ", " + std::to_string(card_.cond_dim) +
                               "], got " + sizes(cond.value));
    return cond.value.to(device, dtype_);
  }
  const auto null = torch::full({b}, needs_null ? *card_.null_label : 0, torch::dtype(torch::kInt64).device(device));
  if (cond.is_null()) return null;
  if (cond.value.dim() != 1 || cond.value.size(0) != b || cond.value.scalar_type() != torch::kInt64)
    throw std::runtime_error(path_ + ": expected [" + std::to_string(b) + "] int64 labels, got " + sizes(cond.value));
  const auto y = cond.value.to(device);
  if (b > 0 && ((y < 0) | (y >= card_.classes)).any().item<bool>())  // one sync per call; the message's two only on failure
    throw std::runtime_error(path_ + ": labels must lie in 0…" + std::to_string(card_.classes - 1) + " (its card's classes), got " +
                             std::to_string(y.min().item<int64_t>()) + "…" + std::to_string(y.max().item<int64_t>()));
  return cond.keep.defined() ? torch::where(cond.keep.to(device), y, null) : y;
}

torch::Tensor TorchScriptModel::forward(std::vector<torch::jit::IValue>& args) const {
  const auto& x = args[0].toTensor();
  torch::jit::IValue result;
  try {
    result = module_->forward(args);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path_ + ": forward failed on x " + sizes(x) + ", t [" + std::to_string(x.size(0)) +
                             "]: " + first_line(e.what_without_backtrace()));
  }
  if (!result.isTensor()) throw std::runtime_error(path_ + ": forward returned a " + result.tagKind() + ", expected one tensor shaped like x");
  auto out = result.toTensor();
  if (out.sizes() != x.sizes() || !out.is_floating_point())
    throw std::runtime_error(path_ + ": forward returned " + sizes(out) + ", expected a floating tensor shaped like x " + sizes(x));
  return out;
}

void TorchScriptModel::verify(const nlohmann::json& check, const torch::Device& device) const {
  std::vector<torch::jit::IValue> args;
  torch::Tensor want;
  try {
    args = {json_to_tensor(check.at("x"), 1 + static_cast<int64_t>(card_.shape.size()), "check.x").to(device, dtype_),
            json_to_tensor(check.at("t"), 1, "check.t").to(device, dtype_)};
    if (conditional_) args.emplace_back(json_to_tensor(check.at("y"), 1, "check.y").to(device, torch::kInt64));
    want = json_to_tensor(check.at("output"), 1 + static_cast<int64_t>(card_.shape.size()), "check.output").to(device);
  } catch (const std::exception& e) {
    throw std::runtime_error(path_ + ": its card's \"check\" is malformed: " + first_line(e.what()));
  }
  torch::NoGradGuard no_grad;
  const auto got = forward(args).to(want.dtype());
  const double err = got.sizes() == want.sizes() ? (got - want).abs().max().item<double>() : INFINITY;
  // Float rounding on a CPU; on a GPU, TF32 convolutions and matrix products round to 10 bits.
  const double tol = (device.is_cuda() ? 1e-2 : 1e-4) * (1.0 + want.abs().max().item<double>());
  if (!(err <= tol)) {
    char b[160];
    std::snprintf(b, sizeof b, ": forward differs from its card's check values by %.3g (at most %.3g expected); the model "
                  "and its card do not belong together", err, tol);
    throw std::runtime_error(path_ + b);
  }
}

torch::Tensor TorchScriptModel::output(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond) const {
  const int64_t b = x.size(0);
  auto shape = card_.shape;
  int64_t d = 1;
  for (auto n : shape) d *= n;
  if (x.dim() != 2 || x.size(1) != d)
    throw std::runtime_error(path_ + ": expected points [B, " + std::to_string(d) + "], got " + sizes(x));
  shape.insert(shape.begin(), b);
  std::vector<torch::jit::IValue> args = {x.to(dtype_).reshape(shape), time_argument(s.reshape({b})).to(x.device(), dtype_)};
  if (conditional_) args.emplace_back(condition_argument(cond, b, x.device()));
  else if (!cond.is_null())
    throw std::runtime_error(path_ + ": the model takes no condition, but one was given");
  auto out = forward(args);
  out = out.reshape({b, d}).to(x.scalar_type());
  const auto finite = torch::isfinite(out).all(1);
  if (!finite.all().item<bool>()) {
    const double first = s.reshape({b}).masked_select(finite.logical_not()).min().item<double>();
    const double t = time_argument(torch::full({1}, first, torch::kFloat64)).item<double>();
    char at[96];
    std::snprintf(at, sizeof at, "%.6g (its t = %.6g, time input %s)", first, t, name(*card_.time_input).c_str());
    throw std::runtime_error(path_ + ": the model returned NaN or Inf, first at s = " + at);
  }
  return out;
}

torch::Tensor TorchScriptModel::score(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond) const {
  const auto out = output(x, s, cond);
  const auto st = s.to(x.options());
  switch (*card_.prediction) {
    case Prediction::kScore: return out;
    case Prediction::kEntropy: return out + process_->eq_score(x);
    case Prediction::kEpsilon: return -out * process_->kernel_var(st).rsqrt();
    case Prediction::kSample: {
      const auto mu = process_->mean_factor(st), var = process_->kernel_var(st);
      return (mu * out - x) / var;
    }
    case Prediction::kV: {  // ε̂ = (μ v̂ + √Σ x)/(μ² + Σ), then s = −ε̂/√Σ
      const auto mu = process_->mean_factor(st), var = process_->kernel_var(st);
      const auto eps = (mu * out + var.sqrt() * x) / (mu * mu + var);
      return -eps * var.rsqrt();
    }
  }
  return out;
}

torch::Tensor TorchScriptModel::residual(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond) const {
  if (*card_.prediction == Prediction::kEntropy) return output(x, s, cond);
  return score(x, s, cond) - process_->eq_score(x);
}

}  // namespace diffinfo
