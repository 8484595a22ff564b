#pragma once
// Differential entropy from samples alone: the Kozachenko–Leonenko k-nearest-neighbour estimator
// h = ψ(N) − ψ(k) + ln V_D + (D/N) Σ_i ln r_i, r_i the Euclidean distance from x_i to its k-th
// neighbour and V_D the volume of the unit D-ball. Consistent; biased in high D for small N.
// The stderr treats the N terms D ln r_i as independent, which they nearly are for N ≫ k.
//
//   diffinfo::Estimate h = diffinfo::knn_entropy(x, 3);   // [N, D] -> nats
#include "diffinfo/estimate.h"

namespace diffinfo {

/// [N, D] samples (N > k, no duplicate rows), k -> h(p) in nats with stderr.
Estimate knn_entropy(const torch::Tensor& x, int64_t k = 3, int64_t block = 1024);

}  // namespace diffinfo
