// IDX and CIFAR-10 readers and writers, image scaling and seeded subsets.
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

torch::Tensor bytes(std::vector<int64_t> shape, uint64_t seed) {
  auto gen = make_generator(seed);
  return torch::randint(0, 256, shape, gen, torch::kInt64).to(torch::kUInt8);
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

template <class F>
void expect_error(F&& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error, expected one with: " << needle;
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
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

}  // namespace
}  // namespace diffinfo
