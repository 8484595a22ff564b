#pragma once
// What every measurement needs of a model: its score and its entropy-matching residual at (x_s, s),
// conditioned or not. A network diffinfo trained (ScoreModel) and another framework's TorchScript module
// (TorchScriptModel) are both one.
//
//   std::shared_ptr<diffinfo::Scorer> m = ...;
//   auto e = m->residual(x_s, s);            // [B, D], [B, 1] -> [B, D]
#include "diffinfo/condition.h"

#include <torch/torch.h>

namespace diffinfo {

class Scorer {
 public:
  virtual ~Scorer() = default;
  /// [B, D] x_s, [B, 1] s, condition (condition.h) -> [B, D] score ∇log p_s(x_s | y); the null
  /// condition asks for the unconditional score. Differentiable in x.
  virtual torch::Tensor score(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond = {}) const = 0;
  /// [B, D], [B, 1] -> [B, D] entropy-matching residual e = score − ∇log p_eq (docs/math.md §2).
  virtual torch::Tensor residual(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond = {}) const = 0;
};

}  // namespace diffinfo
