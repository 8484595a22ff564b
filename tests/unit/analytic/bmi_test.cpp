// The BMI benchmark's 40 tasks: the list, the published truths, each law's samples against its
// definition (sample covariances, marginal CDFs, exact Student-t densities) and each map against
// the benchmark's formula.
#include "diffinfo/analytic/bmi.h"
#include "diffinfo/info/gaussian.h"
#include "diffinfo/random.h"

#include <cmath>
#include <map>
#include <set>

#include "support.h"

namespace diffinfo {
namespace {

const auto kF64 = torch::kFloat64;

Synthetic draw(const std::string& task, int64_t n, uint64_t seed = 0) {
  auto gen = make_generator(seed);
  return make_bmi(task, n, gen);
}

TEST(Bmi, TheBenchmarksFortyTasksWithTheirPublishedTruths) {
  const auto names = bmi_task_names();
  ASSERT_EQ(names.size(), 40u);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 40u);
  // Czyż et al. 2023's ground truths (docs/bmi.md), nats.
  const std::map<std::string, double> published = {
      {"1v1-normal-0.75", 0.4133},           {"1v1-additive-0.1", 1.7094},          {"1v1-additive-0.75", 0.3333},
      {"student-identity-1-1-1", 0.2242},    {"multinormal-dense-2-2-0.5", 0.2939}, {"multinormal-dense-3-3-0.5", 0.4133},
      {"multinormal-dense-5-5-0.5", 0.5928}, {"multinormal-dense-25-25-0.5", 1.2922}, {"multinormal-dense-50-50-0.5", 1.6243},
      {"multinormal-sparse-3-3-2-2.0", 1.0217}};
  for (const auto& [name, truth] : published)
    EXPECT_NEAR(draw(name, 10).spec["mutual_information"].get<double>(), truth, 5e-5) << name;
  // Every map keeps its base's truth; dimensions as the task id says.
  const std::map<std::string, std::pair<int64_t, int64_t>> dims = {{"swissroll_x-normal-cdf-1v1-normal-0.75", {2, 1}},
                                                                   {"spiral-multinormal-sparse-25-25-2-2.0", {25, 25}},
                                                                   {"asinh-student-identity-3-3-2", {3, 3}},
                                                                   {"multinormal-dense-50-50-0.5", {50, 50}}};
  for (const auto& name : names) {
    const auto t = draw(name, 300);
    EXPECT_EQ(t.x.size(0), 300) << name;
    EXPECT_EQ(t.y.size(0), 300) << name;
    EXPECT_TRUE(torch::isfinite(t.x).all().item<bool>() && torch::isfinite(t.y).all().item<bool>()) << name;
    EXPECT_EQ(t.spec["task"], name);
    if (dims.count(name)) EXPECT_EQ(std::make_pair(t.x.size(1), t.y.size(1)), dims.at(name)) << name;
    for (const char* prefix : {"normal-cdf-", "half_cube-", "asinh-", "wiggly-", "spiral-", "swissroll_x-"}) {
      const std::string p = prefix;
      if (name.rfind(p, 0) == 0)
        EXPECT_DOUBLE_EQ(t.spec["mutual_information"].get<double>(), draw(name.substr(p.size()), 1).spec["mutual_information"].get<double>()) << name;
    }
  }
  auto gen = make_generator(0);
  EXPECT_THROWS_WITH(make_bmi("spiral-1v1-normal-0.75", 10, gen), "bmi task 'spiral-1v1-normal-0.75' not found; known: 1v1-normal-0.75");
}

TEST(Bmi, GaussianTasksFollowTheBenchmarksCorrelations) {
  // The definitions, written out here: dense, every correlation 0.5; sparse ("2-pair"), X_i and Y_i
  // correlated λ²/(1 + λ²) = 0.8 for i < 2 with λ = 2, nothing else.
  const int64_t n = 40000;
  for (const auto& [name, d] : std::map<std::string, int64_t>{{"1v1-normal-0.75", 1},
                                                               {"multinormal-dense-5-5-0.5", 5},
                                                               {"multinormal-dense-25-25-0.5", 25},
                                                               {"multinormal-sparse-5-5-2-2.0", 5},
                                                               {"multinormal-sparse-25-25-2-2.0", 25}}) {
    torch::Tensor want;
    if (name.rfind("multinormal-dense", 0) == 0) {
      want = torch::full({2 * d, 2 * d}, 0.5, kF64) + 0.5 * torch::eye(2 * d, kF64);
    } else {
      want = torch::eye(2 * d, kF64);
      const double rho = name == "1v1-normal-0.75" ? 0.75 : 4.0 / 5.0;
      for (int64_t i = 0; i < std::min<int64_t>(2, d); ++i) want[i][d + i] = want[d + i][i] = rho;
    }
    const auto t = draw(name, n, 3);
    const auto z = torch::cat({t.x, t.y}, 1);
    const auto cov = (z - z.mean(0)).t().mm(z - z.mean(0)) / double(n - 1);
    // Var of a sample covariance entry: (C_ii C_jj + C_ij²) / n; 5 standard errors per entry.
    const auto se = ((torch::outer(want.diagonal(), want.diagonal()) + want.pow(2)) / double(n)).sqrt();
    EXPECT_TRUE(((cov - want).abs() <= 5 * se).all().item<bool>()) << name << ": max |error| / se = "
                                                                 << ((cov - want).abs() / se).max().item<double>();
    EXPECT_NEAR(t.spec["mutual_information"].get<double>(), gaussian_mutual_information(want, d), 1e-10) << name;
  }
}

TEST(Bmi, StudentTruthsAgreeWithTheExactDensities) {
  // I = E[ln p(x, y) − ln p(x) − ln p(y)] with the multivariate t densities of identity dispersion
  // (the marginals are t with the same ν): a Monte Carlo check of the closed form beyond 1 × 1.
  auto log_t = [](const torch::Tensor& v, double nu) {
    const double d = static_cast<double>(v.size(1));
    return std::lgamma((nu + d) / 2) - std::lgamma(nu / 2) - d / 2 * std::log(nu * M_PI) -
           (nu + d) / 2 * torch::log1p(v.pow(2).sum(1) / nu);
  };
  for (const char* name : {"student-identity-2-2-1", "student-identity-3-3-2", "student-identity-5-5-3"}) {
    const auto t = draw(name, 200000, 5);
    const double nu = t.spec["degrees_of_freedom"].get<double>();
    const auto pmi = log_t(torch::cat({t.x, t.y}, 1), nu) - log_t(t.x, nu) - log_t(t.y, nu);
    const double mean = pmi.mean().item<double>(), se = pmi.std().item<double>() / std::sqrt(double(pmi.size(0)));
    EXPECT_NEAR(mean, t.spec["mutual_information"].get<double>(), 4 * se) << name;
  }
}

TEST(Bmi, MapsAreTheBenchmarks) {
  const auto v = [](std::initializer_list<double> xs) { return torch::tensor(std::vector<double>(xs), kF64).reshape({-1, 1}); };
  EXPECT_TRUE(torch::allclose(bmi::half_cube(v({4.0, -0.25})), v({8.0, -0.125})));
  EXPECT_TRUE(torch::allclose(bmi::normal_cdf(v({0.0, 1.959963984540054})), v({0.5, 0.975})));
  // wiggly_x(0) = 0.2 sin 1 + 0.03 sin(−2.5); wiggly_y(0) = 0.17 sin 3.5 + 0.02 sin(−2.5).
  EXPECT_NEAR(bmi::wiggly_x(v({0.0})).item<double>(), 0.2 * std::sin(1.0) + 0.03 * std::sin(-2.5), 1e-15);
  EXPECT_NEAR(bmi::wiggly_y(v({0.0})).item<double>(), 0.17 * std::sin(3.5) + 0.02 * std::sin(-2.5), 1e-15);
  // Swiss roll: u = 0 -> t = 1.5π -> (0, −1.5π) / 21; u = 1 -> t = 4.5π -> (0, 4.5π) / 21.
  EXPECT_TRUE(torch::allclose(bmi::swissroll(v({0.0, 1.0})), torch::tensor({{0.0, -1.5 * M_PI / 21}, {0.0, 4.5 * M_PI / 21}}, kF64),
                              1e-12, 1e-12));
  // Spiral: a rotation by speed · ‖x‖² in the plane (i, j); norms kept.
  const auto x = torch::tensor({{1.0, 0.0, 0.0}, {0.0, 2.0, 0.0}}, kF64);
  const auto sx = bmi::spiral(x, 0, 1, 1.0 / 3);
  EXPECT_TRUE(torch::allclose(sx[0], torch::tensor({std::cos(1.0 / 3), std::sin(1.0 / 3), 0.0}, kF64)));
  EXPECT_TRUE(torch::allclose(sx[1], torch::tensor({-2 * std::sin(4.0 / 3), 2 * std::cos(4.0 / 3), 0.0}, kF64)));
  const auto sy = bmi::spiral(x, 1, 2, 1.0 / 3);
  EXPECT_TRUE(torch::allclose(sy[1], torch::tensor({0.0, 2 * std::cos(4.0 / 3), 2 * std::sin(4.0 / 3)}, kF64)));
  // The mixture's inverse CDF inverts its CDF.
  const auto u = torch::linspace(0.01, 0.99, 50, kF64).unsqueeze(1);
  const auto q = bmi::mixture_icdf(u, {0.3, 0.7}, {0.0, 5.0});
  EXPECT_TRUE(torch::allclose(0.3 * bmi::normal_cdf(q) + 0.7 * bmi::normal_cdf(q - 5.0), u, 0, 1e-12));

  // A mapped task is its base's draws through the map (same seed, same draws).
  const auto base = draw("multinormal-sparse-5-5-2-2.0", 100, 7);
  const auto spiral = draw("spiral-normal-cdf-multinormal-sparse-5-5-2-2.0", 100, 7);
  EXPECT_TRUE(torch::allclose(spiral.x, bmi::spiral(bmi::normal_cdf(base.x), 0, 1, 1.0 / 3)));
  EXPECT_TRUE(torch::allclose(spiral.y, bmi::spiral(bmi::normal_cdf(base.y), 1, 2, 1.0 / 3)));
  const auto normal = draw("1v1-normal-0.75", 100, 7);
  EXPECT_TRUE(torch::allclose(draw("wiggly-1v1-normal-0.75", 100, 7).x, bmi::wiggly_x(normal.x)));
  EXPECT_TRUE(torch::allclose(draw("half_cube-1v1-normal-0.75", 100, 7).y, bmi::half_cube(normal.y)));
  EXPECT_TRUE(torch::allclose(draw("swissroll_x-normal-cdf-1v1-normal-0.75", 100, 7).x, bmi::swissroll(bmi::normal_cdf(normal.x))));
  const auto student = draw("student-identity-3-3-2", 100, 7);
  EXPECT_TRUE(torch::allclose(draw("asinh-student-identity-3-3-2", 100, 7).x, torch::asinh(student.x)));
}

TEST(Bmi, MarginalsFollowTheirLaws) {
  const int64_t n = 40000;
  auto within = [&](const torch::Tensor& sample, double at, double cdf) {
    const double got = (sample < at).to(kF64).mean().item<double>();
    return std::abs(got - cdf) <= 4 * std::sqrt(cdf * (1 - cdf) / double(n));
  };
  auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const auto bimodal = draw("1v1-bimodal-0.75", n, 11);
  for (double at : {-1.0, 0.5, 2.5, 4.0, 6.0}) {
    EXPECT_TRUE(within(bimodal.x, at, 0.3 * phi(at) + 0.7 * phi(at - 5))) << "x at " << at;
    EXPECT_TRUE(within(bimodal.y, at, 0.5 * phi(at + 1) + 0.5 * phi(at - 3))) << "y at " << at;
  }
  const auto uniform = draw("normal-cdf-multinormal-sparse-3-3-2-2.0", n, 11);
  for (double at : {0.1, 0.5, 0.9}) EXPECT_TRUE(within(uniform.x.select(1, 2), at, at)) << at;
  const auto additive = draw("1v1-additive-0.75", n, 11);
  EXPECT_LE((additive.y - additive.x).abs().max().item<double>(), 0.75);
  EXPECT_TRUE(within(additive.y - additive.x, 0.375, 0.75));  // U(−0.75, 0.75) noise
  // Student t, ν = 1: a Cauchy marginal, P(X < 1) = 3/4.
  EXPECT_TRUE(within(draw("student-identity-2-2-1", n, 11).x.select(1, 1), 1.0, 0.75));
}

}  // namespace
}  // namespace diffinfo
