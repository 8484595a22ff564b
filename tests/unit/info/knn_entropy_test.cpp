// The Kozachenko–Leonenko entropy of a Gaussian within its stderr.
#include "diffinfo/measure/likelihood.h"
#include "diffinfo/info/knn_entropy.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/measure/thermodynamics.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"
#include <cmath>
#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using test::within_stderr;
using namespace test;

TEST(KnnEntropy, GaussianWithinItsStderr) {
  const auto g = gaussian4();
  auto x = draws(g, 8000, 10);
  const auto h = knn_entropy(x, 3);
  EXPECT_TRUE(within_stderr(h.value, g.entropy(), h.std_error));
  EXPECT_THROWS_WITH(knn_entropy(torch::cat({x, x.slice(0, 0, 1)}), 1), "k-NN entropy: duplicate rows (a zero distance to the 1-th neighbour); ");
}

}  // namespace
}  // namespace diffinfo
