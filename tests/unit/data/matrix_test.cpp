// The one way data enter: dtype, shape and finiteness checked, labels checked for range.
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

TEST(Matrix, ChecksDtypeShapeAndFiniteness) {
  const auto dir = scratch_dir();
  spit(dir + "/nan.npy", npy_bytes("<f8", "(3, 1)", raw<double>({1, std::nan(""), 3})));
  EXPECT_NE(error_of([&] { load_matrix(dir + "/nan.npy"); }).find("nan.npy: row 1 holds NaN or Inf"), std::string::npos);
  spit(dir + "/inf.csv", "1,2\n3,inf\n");
  EXPECT_NE(error_of([&] { load_matrix(dir + "/inf.csv"); }).find("row 1 holds NaN or Inf"), std::string::npos);
  spit(dir + "/int.npy", npy_bytes("<i8", "(2,)", raw<int64_t>({1, 2})));
  EXPECT_NE(error_of([&] { load_matrix(dir + "/int.npy"); }).find("expected float32 or float64 data, got Long"),
            std::string::npos);
  spit(dir + "/cube.npy", npy_bytes("<f4", "(1, 1, 2)", raw<float>({1, 2})));
  EXPECT_NE(error_of([&] { load_matrix(dir + "/cube.npy"); }).find("expected a 1-D or 2-D array"), std::string::npos);
  spit(dir + "/x.txt", "1\n");
  EXPECT_NE(error_of([&] { load_matrix(dir + "/x.txt"); }).find("unknown data format"), std::string::npos);
  spit(dir + "/v.npy", npy_bytes("<f4", "(3,)", raw<float>({1, 2, 3})));
  EXPECT_EQ(load_matrix(dir + "/v.npy").sizes(), (std::vector<int64_t>{3, 1}));
}

}  // namespace
}  // namespace diffinfo
