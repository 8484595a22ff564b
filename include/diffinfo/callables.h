#pragma once
// The callables that stand for a model everywhere in diffinfo: a trained network, another framework's
// model, or the exact scores of a known law (analytic/) all enter a measurement as one of these.
// Times are [B, 1] columns; points are flat rows [B, D].
//
//   diffinfo::ResidualFn e = [&](const torch::Tensor& x, const torch::Tensor& s) { return model.residual(x, s); };
//   auto profile = diffinfo::neural_entropy(*process, e, data, {});
#include "diffinfo/condition.h"

#include <torch/torch.h>

#include <functional>

namespace diffinfo {

/// [B, D] x_s, [B, 1] s -> [B, D] entropy-matching residual e(x_s, s) = s(x_s, s) − ∇log p_eq(x_s).
using ResidualFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;
/// [B, D] x_s, [B, 1] s, condition -> [B, D] residual e(x_s, s; y); the null condition asks for the
/// unconditional e(x_s, s).
using ConditionalResidualFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&, const Condition&)>;
/// [B, D] x_s, [B, 1] s (float64, on the data's device) -> [B, D] score ∇log p_s(x_s); it must be
/// differentiable in x (divergences are taken by autograd) and cast as its network needs.
using ScoreFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>;
/// [B, D] x_s, [B, 1] s, condition -> [B, D] score ∇log p_s(x_s | y); the null condition asks for
/// the unconditional score.
using ConditionalScoreFn = std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&, const Condition&)>;

}  // namespace diffinfo
