#include "diffinfo/info/discrete.h"

#include <cmath>
#include <limits>

namespace diffinfo {
namespace {

torch::Tensor checked(const torch::Tensor& p, const char* what) {
  auto q = p.to(torch::kCPU, torch::kFloat64);
  TORCH_CHECK(q.numel() > 0, what, " must not be empty");
  TORCH_CHECK(torch::isfinite(q).all().item<bool>() && (q >= 0).all().item<bool>(), what,
              " must hold finite, non-negative probabilities");
  TORCH_CHECK(std::abs(q.sum().item<double>() - 1.0) < 1e-6, what, " must sum to 1, got ", q.sum().item<double>());
  return q;
}

// Σ p ln q with 0 ln(·) = 0 and +inf where q = 0 < p.
double sum_p_log_q(const torch::Tensor& p, const torch::Tensor& q) {
  TORCH_CHECK(p.sizes() == q.sizes(), "distributions must have the same shape, got ", p.sizes(), " and ", q.sizes());
  auto support = p > 0;
  if ((support & (q <= 0)).any().item<bool>()) return -std::numeric_limits<double>::infinity();
  return torch::where(support, p * q.clamp_min(1e-300).log(), torch::zeros_like(p)).sum().item<double>();
}

}  // namespace

double in_units(double nats, Units units) { return units == Units::kBits ? nats / std::log(2.0) : nats; }

double entropy(const torch::Tensor& p, Units units) {
  auto q = checked(p, "p");
  return in_units(-sum_p_log_q(q, q), units);
}

double cross_entropy(const torch::Tensor& p, const torch::Tensor& q, Units units) {
  return in_units(-sum_p_log_q(checked(p, "p"), checked(q, "q")), units);
}

double kl_divergence(const torch::Tensor& p, const torch::Tensor& q, Units units) {
  auto pp = checked(p, "p"), qq = checked(q, "q");
  return in_units(sum_p_log_q(pp, pp) - sum_p_log_q(pp, qq), units);
}

double mutual_information(const torch::Tensor& joint, Units units) {
  auto j = checked(joint, "joint");
  TORCH_CHECK(j.dim() == 2, "joint distribution must be [Kx, Ky], got ", j.sizes());
  auto product = j.sum(1, true) * j.sum(0, true);
  return in_units(sum_p_log_q(j, j) - sum_p_log_q(j, product), units);
}

double label_entropy(const torch::Tensor& labels) {
  TORCH_CHECK(labels.dim() == 1 && labels.numel() > 0 && labels.scalar_type() == torch::kInt64,
              "label entropy needs [N] int64 labels, got ", labels.sizes());
  auto counts = torch::bincount(labels.to(torch::kCPU)).to(torch::kFloat64);
  return entropy(counts / counts.sum());
}

}  // namespace diffinfo
