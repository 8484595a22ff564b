// .npy files: what NumPy writes reads back, every dtype round-trips, malformed files name the file and the
// problem.
#include "diffinfo/data/csv.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/random.h"
#include <cstring>
#include <map>
#include "support.h"
#include "test_models.h"

namespace diffinfo {
namespace {

using namespace test;

using test::scratch_dir;

using test::slurp;

using test::spit;

// A .npy file as NumPy writes it: magic, version, little-endian header length, padded dict.
std::string npy_bytes(const std::string& descr, const std::string& shape, const std::string& payload,
                      const std::string& fortran = "False", int major = 1) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
  const size_t prefix = major == 1 ? 10 : 12;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out = std::string("\x93NUMPY", 6) + char(major) + char(0);
  const uint32_t len = static_cast<uint32_t>(header.size());
  for (size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) out += char((len >> (8 * i)) & 0xff);
  return out + header + payload;
}

TEST(Npy, ReadsWhatNumpyWrites) {
  const auto dir = scratch_dir();
  spit(dir + "/a.npy", npy_bytes("<f8", "(2, 3)", raw<double>({1, 2, 3, 4, 5, 6})));
  auto a = read_npy(dir + "/a.npy");
  EXPECT_EQ(a.scalar_type(), torch::kFloat64);
  EXPECT_EQ(a.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a[1][2].item<double>(), 6.0);
  spit(dir + "/b.npy", npy_bytes("<f4", "(3,)", raw<float>({1.5f, 2.5f, 3.5f}), "False", 2));
  auto b = read_npy(dir + "/b.npy");
  EXPECT_EQ(b.scalar_type(), torch::kFloat32);
  EXPECT_EQ(b.sizes(), (std::vector<int64_t>{3}));
  spit(dir + "/c.npy", npy_bytes("<i8", "(2,)", raw<int64_t>({7, -1})));
  EXPECT_EQ(read_npy(dir + "/c.npy")[1].item<int64_t>(), -1);
}

TEST(Npy, RoundTripsEveryDtype) {
  const auto dir = scratch_dir();
  for (auto t : {torch::kFloat32, torch::kFloat64, torch::kInt32, torch::kInt64, torch::kUInt8}) {
    auto x = (torch::rand({4, 5}) * 100).to(t);
    write_npy(dir + "/x.npy", x);
    auto y = read_npy(dir + "/x.npy");
    EXPECT_EQ(y.scalar_type(), t);
    EXPECT_TRUE(torch::equal(x, y));
  }
  // The header is padded to a multiple of 64 bytes, as the format requires.
  EXPECT_EQ(slurp(dir + "/x.npy").find('\n') % 64, 63u);
}

TEST(Npy, MalformedFilesNameTheFileAndTheProblem) {
  const auto dir = scratch_dir();
  const auto good = npy_bytes("<f8", "(2, 3)", raw<double>({1, 2, 3, 4, 5, 6}));
  auto check = [&](const std::string& bytes, const std::string& expected) {
    spit(dir + "/bad.npy", bytes);
    const auto msg = error_of([&] { read_npy(dir + "/bad.npy"); });
    EXPECT_NE(msg.find(dir + "/bad.npy: "), std::string::npos) << msg;
    EXPECT_NE(msg.find(expected), std::string::npos) << msg;
  };
  check("hello world, not numpy", "bad magic");
  check(good.substr(0, 9), "truncated .npy header");
  check(good.substr(0, 40), "truncated .npy header");
  check(good.substr(0, good.size() - 8), "truncated: shape [2, 3] needs 48 bytes of data, found 40");
  check(good + "xx", "extra bytes");
  check(npy_bytes(">f8", "(1,)", raw<double>({1})), "big-endian");
  check(npy_bytes("<c16", "(1,)", std::string(16, '\0')), "unsupported dtype '<c16'");
  check(npy_bytes("<f8", "(1,)", raw<double>({1}), "True"), "Fortran-order");
  EXPECT_NE(error_of([&] { read_npy(dir + "/missing.npy"); }).find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace diffinfo
