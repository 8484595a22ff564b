// Uses the installed library: the exact S_tot of a Gaussian, and the estimator on its exact residual.
#include "diffinfo/measure/reference.h"
#include "diffinfo/random.h"

#include <cmath>
#include <cstdio>

int main() {
  auto process = diffinfo::make_process("vp");
  diffinfo::GaussianData law(torch::zeros({2}, torch::kFloat64), 0.25 * torch::eye(2, torch::kFloat64));
  auto gen = diffinfo::make_generator(0);
  auto data = law.as_mixture().sample(10000, gen);
  auto est = diffinfo::neural_entropy(*process, diffinfo::exact_residual(law.as_mixture(), *process), data,
                                      diffinfo::EntropyOptions().points(20).samples_per_point(100));
  const double exact = law.total_entropy(*process);
  std::printf("S_tot = %.4f, estimate %.4f ± %.4f\n", exact, est.total.value, est.total.std_error);
  return std::abs(est.total.value - exact) <= 4 * est.total.std_error + 1e-4 ? 0 : 1;
}
