#pragma once
// A model trained elsewhere, as a TorchScript archive (torch.jit.save of a scripted or traced module):
// forward(x, t) or forward(x, t, y) -> a tensor shaped like x, read through its card (model_card.h)
// as diffinfo's score and residual (docs/math.md §11, docs/own_models.md). x is [B, D] or, when the card's
// shape is [C, H, W], [B, C, H, W]; t is [B] (s, the timestep index or √Σ); y is [B] int64 labels or
// [B, D_Y] vectors.
//
//   diffinfo::TorchScriptModel m("unet.pt", card, process, torch::kCPU);
//   auto s = m.score(x_s, s_col);            // [B, D], [B, 1] -> [B, D], ∇log p_s
#include "diffinfo/model/model_card.h"
#include "diffinfo/model/scorer.h"

#include <memory>
#include <string>
#include <vector>

namespace torch::jit {
struct Module;
}
namespace c10 {
struct IValue;
}

namespace diffinfo {

class TorchScriptModel : public Scorer {
 public:
  /// Loads `path` onto `device`. The card must say the prediction type and time input; `process` is the
  /// process the card names. A file that is no TorchScript archive, a forward of the wrong arity, a card
  /// that does not fit the module or whose "check" values it does not reproduce: one line naming `path`.
  TorchScriptModel(const std::string& path, const ModelCard& card, std::shared_ptr<const ForwardProcess> process,
                   const torch::Device& device);
  ~TorchScriptModel() override;

  torch::Tensor score(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond = {}) const override;
  torch::Tensor residual(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond = {}) const override;

  /// The module's raw output for flat rows [B, D] at times [B, 1], as [B, D] in x's dtype: shape, dtype
  /// and finiteness checked, naming the file and the first s of a non-finite row.
  torch::Tensor output(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond = {}) const;
  /// The argument t the module is called with at times s (any shape).
  torch::Tensor time_argument(const torch::Tensor& s) const;

  /// True when forward takes a condition y.
  bool conditional() const { return conditional_; }
  const ModelCard& card() const { return card_; }
  const std::string& path() const { return path_; }

 private:
  torch::Tensor condition_argument(const Condition& cond, int64_t b, const torch::Device& device) const;
  /// module.forward(args) -> its tensor, shaped and typed like args[0].
  torch::Tensor forward(std::vector<c10::IValue>& args) const;
  /// Throws unless forward reproduces the card's reference evaluations (export writes them).
  void verify(const nlohmann::json& check, const torch::Device& device) const;

  std::string path_;
  ModelCard card_;
  std::shared_ptr<const ForwardProcess> process_;
  std::unique_ptr<torch::jit::Module> module_;
  bool conditional_ = false;
  torch::Dtype dtype_ = torch::kFloat32;  // what the module computes in: its first floating parameter's
};

}  // namespace diffinfo
