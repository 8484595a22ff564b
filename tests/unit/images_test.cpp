// Image readers on files the tests write: IDX (plain and gzip) and CIFAR-10 batches round-trip, and
// every malformed file is one clear error naming it; scaling and subsetting are exact and seeded.
#include "diffinfo/data/images.h"
#include "diffinfo/model/classifier.h"
#include "diffinfo/random.h"
#include "diffinfo/report/curves.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::scratch_dir;
using test::slurp;
using test::spit;

torch::Tensor bytes(std::vector<int64_t> shape, uint64_t seed) {
  auto gen = make_generator(seed);
  return torch::randint(0, 256, shape, gen, torch::kInt64).to(torch::kUInt8);
}

template <class F>
void expect_error(F&& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error, expected one with: " << needle;
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Idx, PlainAndGzipRoundTrip) {
  const auto dir = scratch_dir();
  auto images = bytes({7, 5, 4}, 1);
  auto labels = torch::tensor({0, 3, 9, 3, 1, 0, 2}, torch::kInt64).to(torch::kUInt8);
  write_idx(dir + "/im.idx", images);
  write_idx(dir + "/im.idx.gz", images);
  write_idx(dir + "/lb.idx.gz", labels);
  EXPECT_TRUE(torch::equal(read_idx(dir + "/im.idx"), images));
  EXPECT_TRUE(torch::equal(read_idx(dir + "/im.idx.gz"), images));
  EXPECT_NE(slurp(dir + "/im.idx"), slurp(dir + "/im.idx.gz"));  // the .gz one is compressed
  EXPECT_EQ(slurp(dir + "/im.idx").size(), 4u + 3 * 4 + 7 * 5 * 4);
  const auto d = read_idx_images(dir + "/im.idx.gz", dir + "/lb.idx.gz");
  EXPECT_EQ(d.images.sizes(), (std::vector<int64_t>{7, 1, 5, 4}));
  EXPECT_TRUE(torch::equal(d.labels, labels.to(torch::kInt64)));
}

TEST(Idx, MalformedFilesAreClearErrors) {
  const auto dir = scratch_dir();
  auto images = bytes({3, 2, 2}, 2);
  write_idx(dir + "/ok.idx", images);
  const auto good = slurp(dir + "/ok.idx");
  spit(dir + "/magic.idx", std::string("\x00\x00\x0d\x03", 4) + good.substr(4));
  expect_error([&] { read_idx(dir + "/magic.idx"); }, "magic.idx: not an unsigned-byte IDX file (magic 00000d03");
  spit(dir + "/cut.idx", good.substr(0, good.size() - 1));
  expect_error([&] { read_idx(dir + "/cut.idx"); }, "cut.idx: the header promises 12 bytes of data, the file holds 11 (truncated)");
  spit(dir + "/long.idx", good + "x");
  expect_error([&] { read_idx(dir + "/long.idx"); }, "(trailing bytes)");
  spit(dir + "/head.idx", good.substr(0, 6));
  expect_error([&] { read_idx(dir + "/head.idx"); }, "head.idx: truncated IDX header");
  write_idx(dir + "/ok.idx.gz", images);
  auto gz = slurp(dir + "/ok.idx.gz");
  spit(dir + "/bad.idx.gz", gz.substr(0, gz.size() / 2));
  expect_error([&] { read_idx(dir + "/bad.idx.gz"); }, "bad.idx.gz:");
  expect_error([&] { read_idx(dir + "/missing.idx"); }, "missing.idx: cannot read");
  write_idx(dir + "/lb.idx", torch::zeros({4}, torch::kUInt8));
  expect_error([&] { read_idx_images(dir + "/ok.idx", dir + "/lb.idx"); }, "lb.idx: holds 4 labels, ");
  expect_error([&] { read_idx_images(dir + "/lb.idx", dir + "/lb.idx"); }, "expected IDX images [N, H, W]");
}

TEST(Cifar10, RoundTripAndBadBatches) {
  const auto dir = scratch_dir();
  LabelledImages d{bytes({5, 3, 32, 32}, 3), torch::tensor({1, 0, 9, 4, 4}, torch::kInt64)};
  write_cifar10(dir + "/a.bin", d);
  write_cifar10(dir + "/b.bin", {d.images.narrow(0, 0, 2), d.labels.narrow(0, 0, 2)});
  const auto r = read_cifar10({dir + "/a.bin", dir + "/b.bin"});
  EXPECT_EQ(r.images.size(0), 7);
  EXPECT_TRUE(torch::equal(r.images.narrow(0, 0, 5), d.images));
  EXPECT_TRUE(torch::equal(r.labels.narrow(0, 5, 2), d.labels.narrow(0, 0, 2)));
  const auto good = slurp(dir + "/a.bin");
  spit(dir + "/cut.bin", good.substr(0, good.size() - 10));
  expect_error([&] { read_cifar10({dir + "/cut.bin"}); }, "cut.bin: 15355 bytes is not a whole number of CIFAR-10 records");
  auto bad = good;
  bad[0] = char(42);
  spit(dir + "/label.bin", bad);
  expect_error([&] { read_cifar10({dir + "/label.bin"}); }, "label.bin: a label byte exceeds 9");
}

TEST(Images, ScalingIsExactAndSubsetsAreSeeded) {
  auto px = torch::tensor({0, 1, 127, 128, 255}, torch::kInt64).to(torch::kUInt8);
  auto a = scale_images(px, "minus-one-one"), b = scale_images(px, "zero-one");
  EXPECT_FLOAT_EQ(a[0].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(a[4].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(b[4].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(b[1].item<float>(), 1.0f / 255);
  expect_error([&] { scale_images(px, "zero-255"); }, "image scaling 'zero-255' not found; known: minus-one-one, zero-one");
  LabelledImages d{bytes({100, 1, 2, 2}, 4), torch::arange(100, torch::kInt64) % 10};
  const auto s1 = subset_images(d, 12, {3, 7}, 5), s2 = subset_images(d, 12, {3, 7}, 5), s3 = subset_images(d, 12, {3, 7}, 6);
  EXPECT_EQ(s1.labels.size(0), 12);
  EXPECT_TRUE(((s1.labels == 3) | (s1.labels == 7)).all().item<bool>());
  EXPECT_TRUE(torch::equal(s1.images, s2.images));
  EXPECT_FALSE(torch::equal(s1.images, s3.images));
  EXPECT_EQ(subset_images(d, 0, {3}, 0).labels.size(0), 10);  // all of class 3
  expect_error([&] { subset_images(d, 5, {11}, 0); }, "no image of class 11");
}

TEST(Images, TilesPlaceEveryImageInRowMajorOrder) {
  auto images = torch::arange(5, torch::kFloat64).reshape({5, 1, 1, 1}).expand({5, 1, 2, 3}).contiguous();
  const auto canvas = tile_images(images, 2, 1, -1.0);
  ASSERT_EQ(canvas.sizes(), (std::vector<int64_t>{1, 3 * 3 - 1, 2 * 4 - 1}));
  for (int64_t i = 0; i < 5; ++i) {
    const int64_t r = i / 2, c = i % 2;
    EXPECT_TRUE((canvas[0].narrow(0, r * 3, 2).narrow(1, c * 4, 3) == double(i)).all().item<bool>()) << i;
  }
  EXPECT_EQ(canvas[0][2][0].item<double>(), -1.0);   // the gap row
  EXPECT_EQ(canvas[0][6][4].item<double>(), -1.0);   // the empty sixth tile
}

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
  const auto [x, y, m] = draw(4000, 3);
  const auto [tx, ty, tm] = draw(4000, 4);
  const auto r = classifier_reference(x, y, tx, ty, ClassifierOptions().epochs(10), torch::kCPU);
  const auto sign = (2 * ty.to(torch::kFloat64) - 1);
  const auto bayes_ce = torch::softplus(-2 * sign * tx.to(torch::kFloat64).mv(tm[0].to(torch::kFloat64))).mean().item<double>();
  const double best = r.label_entropy - bayes_ce;
  EXPECT_LT(r.information.value, best + 0.01);
  EXPECT_GT(r.information.value, best - 0.03);
  EXPECT_THROW(classifier_reference(x, y, tx.unsqueeze(1), ty, {}, torch::kCPU), c10::Error);
}

}  // namespace
}  // namespace diffinfo
