#include "diffinfo/info/monte_carlo.h"

namespace diffinfo {

Estimate monte_carlo_kl(const SampleFn& sample_p, const LogDensityFn& log_p, const LogDensityFn& log_q, int64_t n,
                        torch::Generator& gen) {
  TORCH_CHECK(n >= 2, "Monte-Carlo KL needs at least 2 draws, got ", n);
  auto x = sample_p(n, gen);
  auto diff = log_p(x) - log_q(x);
  TORCH_CHECK(torch::isfinite(diff).all().item<bool>(), "Monte-Carlo KL: log-density ratio is not finite ",
              "(q has no mass where p does?)");
  return mean_estimate(diff);
}

}  // namespace diffinfo
