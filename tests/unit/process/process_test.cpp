// Forward processes: kernel moments against Euler–Maruyama, closed forms, equilibrium scores, configs, the
// factory.
#include "diffinfo/process.h"
#include "diffinfo/random.h"
#include <cmath>
#include "support.h"

namespace diffinfo {
namespace {

using test::within_stderr;

// x_s of n paths from a fixed x0 by Euler–Maruyama with `steps` steps.
torch::Tensor simulate(const ForwardProcess& p, double x0, double s_end, int steps, int64_t n, torch::Generator& gen) {
  auto x = torch::full({n}, x0, torch::kFloat64);
  const double dt = s_end / steps;
  for (int i = 0; i < steps; ++i) {
    const auto sch = p.at((i + 0.5) * dt);  // midpoint schedule: O(dt²) in the coefficients
    x = x + sch.phi * x * dt + sch.sigma * std::sqrt(dt) * torch::randn({n}, gen, torch::kFloat64);
  }
  return x;
}

struct Case {
  std::string name;
  double s_end;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name << " to s = " << c.s_end; }

class ProcessTest : public ::testing::TestWithParam<Case> {};

TEST_P(ProcessTest, KernelMomentsMatchEulerMaruyama) {
  const auto [name, s_end] = GetParam();
  auto p = make_process(name);
  auto gen = make_generator(7);
  const int64_t n = 40000;
  const int steps = 4000;
  const double x0 = 1.5;
  auto x = simulate(*p, x0, s_end, steps, n, gen);
  const auto sch = p->at(s_end);
  // Tolerance: 4 Monte-Carlo stderr plus the Euler–Maruyama bias, O(dt) relative.
  const double bias = 20.0 * s_end / steps;
  EXPECT_TRUE(within_stderr(x.mean().item<double>(), sch.mu * x0, std::sqrt(sch.var / n), 4.0, bias * std::abs(x0)));
  EXPECT_TRUE(within_stderr(x.var().item<double>(), sch.var, sch.var * std::sqrt(2.0 / n), 4.0, bias * sch.var));
}

TEST_P(ProcessTest, ClosedFormsSolveTheMomentOdes) {
  // μ' = φμ and Σ' = 2φΣ + σ² (docs/math.md §1), by central differences.
  auto p = make_process(GetParam().name);
  for (double s : {0.01, 0.1, 0.3, 0.5, 0.8}) {
    const double h = 1e-6;
    const auto a = p->at(s - h), b = p->at(s + h), c = p->at(s);
    const double dmu = (b.mu - a.mu) / (2 * h), dvar = (b.var - a.var) / (2 * h);
    EXPECT_NEAR(dmu, c.phi * c.mu, 1e-5 * (1 + std::abs(dmu))) << "s = " << s;
    EXPECT_NEAR(dvar, 2 * c.phi * c.var + c.sigma * c.sigma, 1e-5 * (1 + std::abs(dvar))) << "s = " << s;
  }
  auto x = torch::randn({3, 2}, torch::kFloat64);
  auto s = torch::full({3, 1}, 0.3, torch::kFloat64);
  EXPECT_TRUE(torch::allclose(p->drift(x, s), p->at(0.3).phi * x));
  const auto start = p->at(0.0);
  EXPECT_DOUBLE_EQ(start.mu, 1.0);
  EXPECT_DOUBLE_EQ(start.var, 0.0);
}

TEST_P(ProcessTest, EquilibriumScoreIsTheGradientOfItsLogDensity) {
  auto p = make_process(GetParam().name);
  auto x = torch::randn({5, 3}, torch::kFloat64).requires_grad_(true);
  auto log_p = p->eq_log_density(x).sum();
  // A flat p_eq's log-density does not depend on x at all.
  auto grad = log_p.requires_grad() ? torch::autograd::grad({log_p}, {x})[0] : torch::zeros_like(x);
  EXPECT_TRUE(torch::allclose(grad, p->eq_score(x.detach()), 1e-10, 1e-12));
}

TEST_P(ProcessTest, ConfigRoundTrips) {
  auto p = make_process(GetParam().name, ProcessOptions().beta_max(16).kappa(0.3).sigma0(0.2).sigma_max(30));
  auto q = process_from_config(p->config());
  EXPECT_EQ(p->config(), q->config());
  for (double s : {0.01, 0.5, 0.9}) EXPECT_DOUBLE_EQ(p->at(s).var, q->at(s).var);
}

TEST_P(ProcessTest, PriorEntropyMatchesItsSamples) {
  auto p = make_process(GetParam().name);
  auto gen = make_generator(3);
  auto x = p->sample_prior(200000, 2, gen, torch::kFloat64);
  // h = D/2 ln(2πe v): compare v with the sample variance.
  const double v = x.var().item<double>();
  EXPECT_TRUE(within_stderr(v, p->prior_var(), p->prior_var() * std::sqrt(2.0 / x.numel())));
  EXPECT_NEAR(p->prior_entropy(2), std::log(2 * M_PI * M_E * p->prior_var()), 1e-12);
}

TEST(ProcessFactory, UnknownNameListsTheKnownOnes) {
  try {
    make_process("vpp");
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_EQ(std::string(e.what_without_backtrace()).rfind("process 'vpp' not found; known: vp, vpx, sl, ve", 0), 0u)
        << e.what_without_backtrace();
  }
}

TEST(ProcessFactory, ClosedFormsOfEachProcess) {
  // Spot values from docs/math.md §1.
  auto vp = make_process("vp");
  const double s = 0.4, b = 0.1 * s + 0.5 * (20 - 0.1) * s * s;
  EXPECT_NEAR(vp->at(s).mu, std::exp(-0.5 * b), 1e-14);
  EXPECT_NEAR(vp->at(s).var, 1 - std::exp(-b), 1e-14);
  EXPECT_NEAR(vp->at(1e-5).var, 1e-6 + 0.5 * 19.9e-10 - 0.5e-12, 1e-15);  // no cancellation at tiny s
  auto vpx = make_process("vpx");
  EXPECT_NEAR(vpx->at(s).var, 0.01 * (1 - std::exp(-b)), 1e-14);
  EXPECT_DOUBLE_EQ(vpx->eq_var(), 0.01);
  auto sl = make_process("sl");
  EXPECT_NEAR(sl->at(s).var, 0.01 * (1 - 0.36), 1e-14);
  EXPECT_DOUBLE_EQ(sl->t_max(), 1 - 1e-5);
  auto ve = make_process("ve");
  EXPECT_NEAR(ve->at(s).var, 1e-4 * (std::pow(5000.0, 2 * s) - 1), 1e-10);
  EXPECT_TRUE(std::isinf(ve->eq_var()));
  EXPECT_TRUE(std::isinf(ve->eq_entropy(3)));
  EXPECT_DOUBLE_EQ(ve->prior_var(), 2500.0);
}

TEST(ProcessFactory, RejectsBadParameters) {
  EXPECT_THROWS_WITH(make_process("vp", ProcessOptions().beta_min(-1)), "VP needs 0 < beta_min <= beta_max, got beta_min -1, beta_max 20");
  EXPECT_THROWS_WITH(make_process("ve", ProcessOptions().sigma_min(10).sigma_max(5)), "VE needs 0 < sigma_min < sigma_max, got sigma_min 10, sigma_max 5");
  EXPECT_THROWS_WITH(process_from_config(nlohmann::json{{"beta_min", 0.1}}), "process configuration needs a \"name\", got {\"beta_min\":0.1}");
}

INSTANTIATE_TEST_SUITE_P(AllProcesses, ProcessTest,
                         ::testing::Values(Case{"vp", 0.3}, Case{"vpx", 0.3}, Case{"sl", 0.8}, Case{"ve", 0.5}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace diffinfo
