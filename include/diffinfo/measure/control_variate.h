#pragma once
// The NLL with a Gaussian control variate (docs/likelihood.md, "A control variate"). With q the Gaussian
// fitted to all N rows of the data and n of them measured by the PF-ODE,
//   NLL = E[−ln p_θ(x)] = E[−ln p_θ(x) + ln q(x)] + E[−ln q(x)],
// the first term's mean over the n measured rows (small spread where p_θ is near q's shape), the second's
// over all N rows (cheap: q is closed form). Its variance is Var(d)/n + Var(c)/N + 2 Cov(d, c)/N with
// d = −ln p_θ + ln q and c = −ln q, the measured rows being among the N; against Var(−ln p_θ)/n for the
// plain mean. q fitted to the same rows biases E[−ln q] low by about D(D + 3)/(4N) nats.
//
//   auto e = diffinfo::nll_with_gaussian_control(nll_rows, measured_x, all_x);   // {value, stderr}
#include "diffinfo/estimate.h"

#include <torch/torch.h>

namespace diffinfo {

/// [n] −ln p_θ of the measured rows, [n, D] those rows, [N, D] all rows (the measured among them) ->
/// the NLL and its stderr. Needs N > D + 1 and n >= 2.
Estimate nll_with_gaussian_control(const torch::Tensor& nll_rows, const torch::Tensor& measured, const torch::Tensor& all);

}  // namespace diffinfo
