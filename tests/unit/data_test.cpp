// Data readers: real formats, and one clear error for every malformed input.
#include "diffinfo/data/csv.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/data/synthetic.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/random.h"
#include "support.h"

#include <cstring>
#include <map>

namespace diffinfo {
namespace {

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

template <typename T>
std::string raw(std::initializer_list<T> values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), std::data(values), out.size());
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
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

TEST(Csv, ReadsNumbersWithAnOptionalHeader) {
  const auto dir = scratch_dir();
  spit(dir + "/x.csv", "a,b\n1,2\n3.5, -4e-1\n\n");
  auto x = read_csv(dir + "/x.csv");
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{2, 2}));
  EXPECT_DOUBLE_EQ(x[1][1].item<double>(), -0.4);
}

TEST(Csv, RaggedAndNonNumericRowsAreErrorsWithTheLine) {
  const auto dir = scratch_dir();
  spit(dir + "/r.csv", "1,2\n3\n");
  EXPECT_NE(error_of([&] { read_csv(dir + "/r.csv"); }).find("r.csv:2: expected 2 fields, found 1"), std::string::npos);
  spit(dir + "/n.csv", "1,2\n3,abc\n");
  EXPECT_NE(error_of([&] { read_csv(dir + "/n.csv"); }).find("n.csv:2: field 'abc' is not a number"), std::string::npos);
  spit(dir + "/e.csv", "");
  EXPECT_NE(error_of([&] { read_csv(dir + "/e.csv"); }).find("no data rows"), std::string::npos);
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

TEST(Synthetic, SamplesFollowTheirSpecs) {
  auto gen = make_generator(1);
  auto g = make_gaussian(GaussianSpec().dim(3), 200000, gen);
  auto cov = json_to_tensor(g.spec["cov"], 2, "cov");
  auto xc = g.x - g.x.mean(0);
  EXPECT_TRUE(torch::allclose(xc.t().mm(xc) / g.x.size(0), cov, 0.02, 0.02));

  auto m = make_mixture(MixtureSpec().components(4), 1000, gen);
  EXPECT_EQ(m.labels.min().item<int64_t>(), 0);
  EXPECT_EQ(m.labels.max().item<int64_t>(), 3);

  auto j = make_joint_gaussian(JointGaussianSpec().dim_x(4).dim_y(2), 100, gen);
  auto cx = json_to_tensor(j.spec["x"]["cov"], 2, "cov"), a = json_to_tensor(j.spec["a"], 2, "a");
  auto joint = torch::cat({torch::cat({cx, cx.mm(a.t())}, 1), torch::cat({a.mm(cx), a.mm(cx).mm(a.t()) + torch::eye(2, torch::kFloat64)}, 1)}, 0);
  EXPECT_NEAR(j.spec["mutual_information"].get<double>(), gaussian_mutual_information(joint, 4), 1e-8);
  auto f = make_joint_gaussian(JointGaussianSpec().dim_x(6).dim_y(2).mode("flattening").rank(2).lambda_delta(1e-4), 10, gen);
  auto evals = torch::linalg_eigvalsh(json_to_tensor(f.spec["x"]["cov"], 2, "cov"), "L");
  EXPECT_LT(evals[3].item<double>(), 2e-3);  // four flattened directions
  EXPECT_THROW(make_joint_gaussian(JointGaussianSpec().mode("sideways"), 10, gen), c10::Error);
}

TEST(Synthetic, BenchmarkTasksCarryThePublishedTruth) {
  // Czyż et al. 2023's ground truths (MATH.md §4) against the closed forms the generator computes.
  const std::map<std::string, double> published = {
      {"normal-1x1", 0.4133},           {"normal-1x1-halfcube", 0.4133},   {"uniform-additive-0.1", 1.7094},
      {"uniform-additive-0.75", 0.3333}, {"student-t-1x1", 0.2242},        {"student-t-1x1-asinh", 0.2242},
      {"multinormal-dense-2", 0.2939},  {"multinormal-dense-3", 0.4133},   {"multinormal-dense-5", 0.5928},
      {"multinormal-dense-25", 1.2922}, {"multinormal-dense-50", 1.6243},  {"multinormal-sparse-3x3", 1.0217}};
  ASSERT_EQ(bmi_task_names().size(), published.size());
  for (const auto& name : bmi_task_names()) {
    auto gen = make_generator(0);
    const auto t = make_bmi(name, 2000, gen);
    EXPECT_NEAR(t.spec["mutual_information"].get<double>(), published.at(name), 5e-5) << name;
    EXPECT_EQ(t.x.size(0), 2000) << name;
    EXPECT_EQ(t.y.size(0), 2000) << name;
  }
  // The samples follow their law: the bivariate normal's correlation, the additive noise's range.
  auto gen = make_generator(1);
  const auto normal = make_bmi("normal-1x1", 20000, gen);
  const double r = torch::corrcoef(torch::cat({normal.x, normal.y}, 1).t())[0][1].item<double>();
  EXPECT_NEAR(r, 0.75, 4 * (1 - 0.75 * 0.75) / std::sqrt(20000.0));
  const auto uniform = make_bmi("uniform-additive-0.1", 20000, gen);
  EXPECT_LE((uniform.y - uniform.x).abs().max().item<double>(), 0.1);
  EXPECT_THROW(make_bmi("spiral", 10, gen), c10::Error);
}

}  // namespace
}  // namespace diffinfo
