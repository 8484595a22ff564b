// The thermodynamic-limits study on small models: one run per (data, process, noise), its row as it
// comes, the paired NLL with its stderr, the table and summary written.
#include "diffinfo/studies/thermo_sweep.h"
#include "support.h"

#include <filesystem>

namespace diffinfo {
namespace {

TEST(ThermoSweep, OneModelPerCellWithItsRowAndTable) {
  const auto dir = test::scratch_dir();
  studies::ThermoSweepRequest r;
  r.out = dir + "/sweep", r.data = {"gaussian"}, r.processes = {"ve", "vp"}, r.noise = {10};
  r.dim = 1, r.rows = 400, r.eval_rows = 20, r.steps = 20;
  r.options.points(4).samples_per_point(16);
  std::vector<std::string> lines;
  app::Progress progress;
  progress.line = [&lines](const std::string& l) { lines.push_back(l); };
  const auto report = studies::run_thermo_sweep(r, progress);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("gaussian ve", 0), 0u);
  ASSERT_EQ(report.json["runs"].size(), 2u);
  const auto& run = report.json["runs"][0];
  EXPECT_GT(run["nll_paired"]["stderr"].get<double>(), 0.0);
  EXPECT_EQ(run["nll_paired"]["method"], "S0 + mean(ln p_d - ln p_model) on the same rows");
  EXPECT_TRUE(std::filesystem::exists(dir + "/sweep/table.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/sweep/summary.json"));
  r.processes = {"sl"};
  EXPECT_THROWS_WITH(studies::run_thermo_sweep(r, {}), "process 'sl' not found; known: ve, vp");
}

}  // namespace
}  // namespace diffinfo
