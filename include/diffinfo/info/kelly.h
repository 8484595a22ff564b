#pragma once
// Kelly betting on a horse race (Kelly gamblers §2, docs/math.md §9). Betting b(x) = p(x) at odds o(x)
// grows wealth at the doubling rate W = Σ p(x) ln(o(x) p(x)); a gambler who sees side
// information Y and bets b(x|y) = p(x|y) gains exactly I(X; Y) per race.
//
//   auto r = diffinfo::simulate_kelly(joint, odds, 100000, gen);
//   r.gain.value ≈ diffinfo::mutual_information(joint)
#include "diffinfo/estimate.h"

namespace diffinfo {

/// [K] win probabilities, [K] bets (fractions summing to 1), [K] odds -> Σ p ln(b o), nats per race.
double doubling_rate(const torch::Tensor& p, const torch::Tensor& bets, const torch::Tensor& odds);

struct KellyResult {
  Estimate rate_without;  ///< simulated doubling rate betting p(x), nats per race
  Estimate rate_with;     ///< simulated doubling rate betting p(x|y)
  Estimate gain;          ///< paired difference, an estimate of I(X; Y)
  double exact_without;   ///< Σ p(x) ln(o(x) p(x))
  double exact_gain;      ///< I(X; Y)
};

/// [K, M] joint law of (winner X, side information Y), [K] odds; simulates n races.
KellyResult simulate_kelly(const torch::Tensor& joint, const torch::Tensor& odds, int64_t n,
                           torch::Generator& gen);

}  // namespace diffinfo
