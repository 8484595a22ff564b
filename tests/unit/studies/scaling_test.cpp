// The scaling study end to end on small models: one run per size, each row reported as it comes, the
// fit over ln N in the report, and its bad inputs named.
#include "diffinfo/data/npy.h"
#include "diffinfo/studies/scaling.h"
#include "support.h"

namespace diffinfo {
namespace {

TEST(Scaling, TrainsOneModelPerSizeAndFitsTheLine) {
  const auto dir = test::scratch_dir();
  write_npy(dir + "/x.npy", torch::randn({400, 2}, torch::kFloat64));
  studies::ScalingRequest r;
  r.data = dir + "/x.npy", r.sizes = {400, 50, 100}, r.out = dir + "/scaling", r.steps = 20, r.batch = 32;
  r.net.width = 16;
  r.options.points(4).samples_per_point(16);
  std::vector<std::string> lines;
  app::Progress progress;
  progress.line = [&lines](const std::string& l) { lines.push_back(l); };
  const auto report = studies::run_scaling(r, progress);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("N = 50 ", 0), 0u);  // sorted by size
  EXPECT_EQ(report.json["points"].size(), 3u);
  EXPECT_TRUE(report.json["slope"].contains("stderr"));
  EXPECT_NE(report.text.find("ln N"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir + "/scaling/run-n100/checkpoint.pt"));
  r.sizes = {50, 100};
  EXPECT_THROWS_WITH(studies::run_scaling(r, {}), "--sizes needs at least 3 training-set sizes");
  r.sizes = {50, 100, 500};
  EXPECT_THROWS_WITH(studies::run_scaling(r, {}), dir + "/x.npy: has 400 rows; --sizes must lie in [2, 400]");
}

}  // namespace
}  // namespace diffinfo
