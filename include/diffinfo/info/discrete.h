#pragma once
// Information of discrete distributions given as probability tensors (Cover & Thomas, "Elements of Information Theory", ch. 2).
//
//   diffinfo::entropy(torch::tensor({0.5, 0.5}), diffinfo::Units::kBits);   // 1.0
//   diffinfo::mutual_information(joint);                                   // [Kx, Ky] -> nats
#include <torch/torch.h>

namespace diffinfo {

enum class Units { kNats, kBits };

/// [K] probabilities -> H(p) = −Σ p ln p (0 ln 0 = 0).
double entropy(const torch::Tensor& p, Units units = Units::kNats);
/// [K], [K] -> H(p, q) = −Σ p ln q (+inf where q = 0 < p).
double cross_entropy(const torch::Tensor& p, const torch::Tensor& q, Units units = Units::kNats);
/// [K], [K] -> KL(p‖q) = Σ p ln(p/q) (+inf where q = 0 < p).
double kl_divergence(const torch::Tensor& p, const torch::Tensor& q, Units units = Units::kNats);
/// [Kx, Ky] joint probabilities -> I(X; Y) = KL(p(x, y)‖p(x)p(y)).
double mutual_information(const torch::Tensor& joint, Units units = Units::kNats);

/// [N] int64 labels -> H(Y) of their empirical law, nats.
double label_entropy(const torch::Tensor& labels);

/// Converts nats to the requested units.
double in_units(double nats, Units units);

}  // namespace diffinfo
