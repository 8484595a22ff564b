// The classifier reference of label information: deterministic and random labels, and the Bayes bound for
// vectors.
#include "diffinfo/data/images.h"
#include "diffinfo/model/classifier.h"
#include "diffinfo/random.h"
#include "diffinfo/report/image_grid.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::scratch_dir;

using test::slurp;

using test::spit;

// 8×8 images whose class puts a bright 3×3 patch in one of four places, under noise.
std::pair<torch::Tensor, torch::Tensor> patches(int64_t n, uint64_t seed) {
  auto gen = make_generator(seed);
  auto y = torch::randint(0, 4, {n}, gen, torch::kInt64);
  auto x = 0.3 * torch::randn({n, 1, 8, 8}, gen, torch::kFloat32);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = y[i].item<int64_t>(), r0 = (c / 2) * 4, c0 = (c % 2) * 4;
    x[i][0].narrow(0, r0, 3).narrow(1, c0, 3) += 1.5;
  }
  return {x, y};
}

TEST(ClassifierReference, DeterministicLabelsGiveTheirEntropyAndRandomOnesNothing) {
  const auto [x, y] = patches(600, 1);
  const auto [tx, ty] = patches(300, 2);
  const auto r = classifier_reference(x, y, tx, ty, ClassifierOptions().epochs(8), torch::kCPU);
  EXPECT_GT(r.accuracy.value, 0.97);
  EXPECT_EQ(r.classes, 4);
  // Labels are a function of the image: I(X; Y) = H(Y); the bound gets within its small CE.
  EXPECT_LE(r.information.value, r.label_entropy + 1e-12);
  EXPECT_GT(r.information.value, r.label_entropy - 0.15);
  // Labels independent of the images: I = 0, and the bound H(Y) − CE cannot be above it by much.
  auto gen = make_generator(7);
  const auto shuffled = ty.index_select(0, torch::randperm(ty.size(0), gen, torch::kInt64));
  const auto r0 = classifier_reference(x, y.index_select(0, torch::randperm(y.size(0), gen, torch::kInt64)), tx, shuffled,
                                       ClassifierOptions().epochs(2), torch::kCPU);
  EXPECT_LT(r0.information.value, 4 * r0.information.std_error + 0.05);
}

TEST(ClassifierReference, VectorsGetAnMlpThatReachesTheBayesBound) {
  // Two unit Gaussians at ±m in 2-D: the Bayes posterior is known, so H(Y) − CE_Bayes on the same test
  // rows is the best the bound can read. The MLP's bound lies below it, and not far.
  auto draw = [](int64_t n, uint64_t seed) {
    auto gen = make_generator(seed);
    auto y = torch::randint(0, 2, {n}, gen, torch::kInt64);
    auto m = torch::tensor({{0.8, 0.4}}, torch::kFloat32);
    auto x = randn({n, 2}, gen, torch::dtype(torch::kFloat32)) + (2 * y.to(torch::kFloat32) - 1).unsqueeze(1) * m;
    return std::make_tuple(x, y, m);
  };
  torch::Tensor x, y, m, tx, ty, tm;  // not structured bindings: EXPECT_THROWS_WITH's lambda captures them
  std::tie(x, y, m) = draw(4000, 3);
  std::tie(tx, ty, tm) = draw(4000, 4);
  const auto r = classifier_reference(x, y, tx, ty, ClassifierOptions().epochs(10), torch::kCPU);
  const auto sign = (2 * ty.to(torch::kFloat64) - 1);
  const auto bayes_ce = torch::softplus(-2 * sign * tx.to(torch::kFloat64).mv(tm[0].to(torch::kFloat64))).mean().item<double>();
  const double best = r.label_entropy - bayes_ce;
  EXPECT_LT(r.information.value, best + 0.01);
  EXPECT_GT(r.information.value, best - 0.03);
  EXPECT_THROWS_WITH(classifier_reference(x, y, tx.unsqueeze(1), ty, {}, torch::kCPU), "train and test of one shape");
}

}  // namespace
}  // namespace diffinfo
