// Numeric CSV: an optional header, and ragged or non-numeric rows as errors with the line.
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

}  // namespace
}  // namespace diffinfo
