#include "diffinfo/info/kelly.h"

#include "diffinfo/info/discrete.h"

namespace diffinfo {

double doubling_rate(const torch::Tensor& p, const torch::Tensor& bets, const torch::Tensor& odds) {
  auto pp = p.to(torch::kFloat64), b = bets.to(torch::kFloat64), o = odds.to(torch::kFloat64);
  TORCH_CHECK(pp.sizes() == b.sizes() && b.sizes() == o.sizes() && pp.dim() == 1,
              "doubling rate needs [K] probabilities, bets and odds");
  auto support = pp > 0;
  return torch::where(support, pp * (b * o).clamp_min(1e-300).log(), torch::zeros_like(pp)).sum().item<double>();
}

KellyResult simulate_kelly(const torch::Tensor& joint, const torch::Tensor& odds, int64_t n, torch::Generator& gen) {
  auto j = joint.to(torch::kCPU, torch::kFloat64);
  TORCH_CHECK(j.dim() == 2, "Kelly simulation needs a [K, M] joint law, got ", j.sizes());
  auto o = odds.to(torch::kCPU, torch::kFloat64);
  TORCH_CHECK(o.dim() == 1 && o.size(0) == j.size(0) && (o > 0).all().item<bool>(),
              "Kelly simulation needs [", j.size(0), "] positive odds");
  const int64_t m = j.size(1);
  auto px = j.sum(1);
  auto py = j.sum(0);
  auto p_x_given_y = j / py.unsqueeze(0);  // [K, M], columns sum to 1
  // Draw (x, y) pairs from the joint law.
  auto flat = torch::multinomial(j.reshape({-1}), n, /*replacement=*/true, gen);
  auto x = flat.div(m, "floor"), y = flat.remainder(m);
  auto win_o = o.index_select(0, x).log();
  auto log_without = win_o + px.index_select(0, x).log();                   // ln(o(x) b(x))
  auto log_with = win_o + p_x_given_y.index({x, y}).log();                  // ln(o(x) b(x|y))
  KellyResult r;
  r.rate_without = mean_estimate(log_without);
  r.rate_with = mean_estimate(log_with);
  r.gain = mean_estimate(log_with - log_without);
  r.exact_without = doubling_rate(px, px, o);
  r.exact_gain = mutual_information(j);
  return r;
}

}  // namespace diffinfo
