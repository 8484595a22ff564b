// The rules that decide how a model is measured when the user does not say.
#include "diffinfo/app/measurement.h"
#include "diffinfo/random.h"
#include "support.h"

namespace diffinfo {
namespace {

using app::measurement_options;

TEST(Measurement, CoversWhatWasTrainedAndSizesTheBatchToTheNetwork) {
  RunConfig c;
  c.objective.time_sampling("uniform").s_min(1e-3);
  const auto mlp = measurement_options(EntropyOptions().batch_size(0).points(7), c);
  EXPECT_EQ(mlp.time_sampling(), "uniform");
  EXPECT_EQ(mlp.s_min(), 1e-3);
  EXPECT_EQ(mlp.points(), 7);
  EXPECT_EQ(mlp.batch_size(), EntropyOptions().batch_size());
  EXPECT_EQ(measurement_options(EntropyOptions().batch_size(100), c).batch_size(), 100);  // a given batch stays
  c.model = unet_preset("tiny", {1, 8, 8});
  EXPECT_EQ(measurement_options(EntropyOptions().batch_size(0), c).batch_size(), app::kUNetBatch);
  EXPECT_EQ(app::posterior_batch(0, c), app::kUNetBatch);
  EXPECT_EQ(app::posterior_batch(5, c), 5);
  EXPECT_EQ(app::posterior_batch(0, RunConfig()), app::kPosteriorBatch);
}

TEST(Measurement, AutoDivergenceIsExactWhereItIsCheap) {
  const auto probes = DivergenceOptions().probes(3);
  EXPECT_EQ(app::resolve_divergence("auto", probes, app::kExactDivergenceMaxDim).method(), "exact");
  const auto above = app::resolve_divergence("auto", probes, app::kExactDivergenceMaxDim + 1);
  EXPECT_EQ(above.method(), "hutchinson");
  EXPECT_EQ(above.probes(), 3);
  EXPECT_EQ(app::resolve_divergence("exact", probes, 1000).method(), "exact");
}

TEST(Measurement, DataEntropyFromTheSpecOrElseFromTheData) {
  const auto dir = test::scratch_dir();
  test::spit(dir + "/u.spec.json", R"({"type": "uniform", "dim": 2, "low": 0, "high": 2})");
  auto gen = make_generator(1);
  const auto x = 2 * torch::rand({4000, 2}, gen, torch::kFloat64);
  const auto exact = app::data_entropy_for(dir + "/u.spec.json", x, 0);
  EXPECT_NEAR(exact.value.value, 2 * std::log(2.0), 1e-12);
  EXPECT_NE(exact.method.find("from " + dir + "/u.spec.json"), std::string::npos);
  const auto knn = app::data_entropy_for("", x, 0);
  EXPECT_NE(knn.method.find("k-NN"), std::string::npos);
  EXPECT_NEAR(knn.value.value, 2 * std::log(2.0), 0.1);
  test::spit(dir + "/bad.spec.json", R"({"type": "gaussian"})");
  EXPECT_THROWS_WITH(app::data_entropy_for(dir + "/bad.spec.json", x, 0), dir + "/bad.spec.json: ");
}

}  // namespace
}  // namespace diffinfo

namespace diffinfo::app {
namespace {

// A few rows carrying the estimate (a held-out heavy tail) is said; an estimate near zero with a small rows' error is not.
TEST(Measurement, RowsWarningWhenAFewRowsCarryTheEstimate) {
  const auto with_rows = [](double value, double rows) {
    Uncertainty u(Estimate{value, 0.01}, "minde");
    u.add_random("monte_carlo", 0.01).add_random("measured_rows", rows);
    return u;
  };
  const auto w = rows_warning(with_rows(12.9, 11.8), "MINDE");
  EXPECT_NE(w.find("a few rows carry the estimate"), std::string::npos) << w;
  EXPECT_NE(w.find("MINDE"), std::string::npos);
  EXPECT_TRUE(rows_warning(with_rows(1.0, 0.05), "MINDE").empty());  // 5 %: a held-out tenth's usual error
  EXPECT_TRUE(rows_warning(with_rows(0.002, 0.02), "MINDE").empty());  // independent variables: near 0, small error
  EXPECT_FALSE(rows_warning(with_rows(0.3, 0.2), "MINDE").empty());
}

}  // namespace
}  // namespace diffinfo::app
