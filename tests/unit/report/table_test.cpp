// Named-column tables: the CSV text every report writes, and the column indices plots take from it.
#include "diffinfo/report/entropy.h"
#include "diffinfo/report/mutual_information.h"
#include "diffinfo/report/table.h"
#include "support.h"

namespace diffinfo {
namespace {

TEST(Table, WritesNamedColumnsAndFindsThemByName) {
  Table t;
  t.add("s", {0.5, 0.25}).add_text("kind", {"a", "b"}).add("rate", {1.0 / 3.0, 2.0});
  EXPECT_EQ(t.csv(), "s,kind,rate\n0.5,a,0.3333333333\n0.25,b,2\n");
  EXPECT_EQ(t.csv(true), "#s,kind,rate\n0.5,a,0.3333333333\n0.25,b,2\n");
  EXPECT_EQ(t.column("rate"), 3);
  EXPECT_EQ(t.columns({"s", "rate"}), "1:3");
  EXPECT_EQ(t.rows(), 2u);
  EXPECT_THROWS_WITH(t.column("missing"), "table has no column 'missing'");
  EXPECT_THROWS_WITH(t.add("s", {1.0, 2.0}), "table column 's' added twice");
  EXPECT_THROWS_WITH(t.add("short", {1.0}), "table column 'short' has 1 rows, the table 2");
}

EntropyProfile profile(int64_t k) {
  EntropyProfile p;
  for (int64_t j = 0; j < k; ++j) p.curve.push_back({0.1 * j, 0.1 * (j + 1), 0.1 * j + 0.05, {1.0, 0.1}, {0.1 * (j + 1), 0.01}});
  p.total = {0.1 * k, 0.01};
  return p;
}

// The CSV headers are a contract: scripts read these columns by name.
TEST(Table, CurveCsvHeadersAreThoseScriptsRead) {
  const auto p = profile(3);
  const auto entropy = entropy_table(p, nullptr).csv();
  EXPECT_EQ(entropy.substr(0, entropy.find('\n')), "s_lo,s_hi,s,rate,rate_stderr,cumulative,cumulative_stderr");
  EXPECT_EQ(entropy_table(p, &p).column("exact_cumulative_stderr"), 11);
  const MutualInformationProfile mi{p, p, p, p, p, p};
  const auto header = mi_table(mi, nullptr, nullptr).csv();
  EXPECT_EQ(header.substr(0, header.find('\n')),
            "s_lo,s_hi,s,mi_rate,mi_rate_stderr,mi_above,mi_above_stderr,difference_rate,difference_rate_stderr,"
            "difference_above,difference_above_stderr,cond_entropy_rate,cond_entropy_rate_stderr,uncond_entropy_rate,"
            "uncond_entropy_rate_stderr,mmse_gap_rate,mmse_gap_rate_stderr,mmse_gap_above,mmse_gap_above_stderr");
  const std::vector<double> closed(3, 1.0);
  EXPECT_EQ(mi_table(mi, &mi, &closed).column("closed_form_mi_above"), 16);
  const std::vector<double> two(2, 1.0);
  EXPECT_THROWS_WITH(mi_table(mi, nullptr, &two), "closed-form and neural curves differ in length");
}

}  // namespace
}  // namespace diffinfo
