// Principal components recover the leading axes and their variances.
#include "diffinfo/info/pca.h"
#include "diffinfo/model/dae.h"
#include "diffinfo/random.h"
#include "diffinfo/train/trainer.h"
#include "support.h"

namespace diffinfo {
namespace {

TEST(Pca, RecoversTheLeadingAxesAndTheirVariances) {
  // Variances 9, 4, 0.25 along a rotated frame: the scores' variances are the two largest.
  auto gen = make_generator(3);
  const int64_t n = 20000;
  auto z = randn({n, 3}, gen, torch::dtype(torch::kFloat64)) * torch::tensor({3.0, 2.0, 0.5}, torch::kFloat64);
  auto q = std::get<0>(torch::linalg_qr(randn({3, 3}, gen, torch::dtype(torch::kFloat64))));
  auto p = principal_components(z.mm(q.t()) + 5.0, 2);
  // The variance of a sample variance is 2σ⁴/(n−1): 4 stderr.
  EXPECT_NEAR(p.variances[0].item<double>(), 9.0, 4 * 9.0 * std::sqrt(2.0 / n));
  EXPECT_NEAR(p.variances[1].item<double>(), 4.0, 4 * 4.0 * std::sqrt(2.0 / n));
  EXPECT_NEAR(std::abs(p.axes.select(1, 0).dot(q.select(1, 0)).item<double>()), 1.0, 1e-2);
  EXPECT_NEAR(p.scores.mean(0).abs().max().item<double>(), 0.0, 1e-9);  // centred
  EXPECT_THROWS_WITH(principal_components(z, 4), "principal components need [N >= 2, D] rows and 1 <= k <= D, got [20000");
}

}  // namespace
}  // namespace diffinfo
