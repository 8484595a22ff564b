// A discrete DDPM schedule read as a continuous process (docs/math.md §11): ᾱ at every integer
// timestep, the kernel's consistency with its drift and diffusion, diffusers' three schedules, configs.
#include "diffinfo/processes/discrete.h"
#include "support.h"

#include <cmath>

namespace diffinfo {
namespace {

TEST(DiscreteProcess, MatchesAlphaBarAtEveryTimestepAndInterpolatesLogLinearly) {
  DiscreteProcess p("linear", 1000, 1e-4, 0.02);
  const auto betas = torch::linspace(1e-4, 0.02, 1000, torch::kFloat64);
  const auto alpha_bar = (1 - betas).cumprod(0);
  for (int64_t t : {0, 1, 17, 500, 999}) {
    const double s = double(t + 1) / 1000;  // t = s N − 1
    const auto col = torch::full({1, 1}, s, torch::kFloat64);
    EXPECT_NEAR(p.mean_factor(col).item<double>(), std::sqrt(alpha_bar[t].item<double>()), 1e-12) << t;
    EXPECT_NEAR(p.kernel_var(col).item<double>(), 1 - alpha_bar[t].item<double>(), 1e-12) << t;
    EXPECT_NEAR(p.timestep(col).item<double>(), double(t), 1e-9);
  }
  // Halfway between t = −1 (ᾱ = 1) and t = 0: log ᾱ = ½ ln(1 − β₀).
  EXPECT_NEAR(p.at(0.5e-3).mu, std::exp(0.25 * std::log1p(-1e-4)), 1e-14);
  // Halfway between t = 3 and t = 4.
  const double mid = 0.5 * (std::log(alpha_bar[3].item<double>()) + std::log(alpha_bar[4].item<double>()));
  EXPECT_NEAR(p.at(4.5e-3).var, -std::expm1(mid), 1e-14);
}

TEST(DiscreteProcess, KernelFollowsItsDriftAndDiffusion) {
  // μ' = φ μ and Σ' = 2φΣ + σ² inside each segment, by central differences.
  for (const auto& schedule : beta_schedule_names()) {
    DiscreteProcess p(schedule, 50, 1e-3, 0.2);
    for (double s : {0.013, 0.31, 0.77, 0.99}) {
      const double h = 1e-6;
      const auto lo = p.at(s - h), mid = p.at(s), hi = p.at(s + h);
      EXPECT_NEAR((hi.mu - lo.mu) / (2 * h), mid.phi * mid.mu, 1e-5 * std::abs(mid.phi)) << schedule << " " << s;
      EXPECT_NEAR((hi.var - lo.var) / (2 * h), 2 * mid.phi * mid.var + mid.sigma * mid.sigma, 1e-5 * std::abs(mid.phi))
          << schedule << " " << s;
    }
    EXPECT_EQ(p.eq_var(), 1.0);
  }
}

TEST(DiscreteProcess, DiffusersSchedules) {
  DiscreteProcess scaled("scaled_linear", 10, 0.01, 0.04);
  EXPECT_NEAR(scaled.betas()[0].item<double>(), 0.01, 1e-15);
  EXPECT_NEAR(scaled.betas()[9].item<double>(), 0.04, 1e-15);
  EXPECT_NEAR(scaled.betas()[5].item<double>(), std::pow(0.1 + 5 * (0.2 - 0.1) / 9, 2), 1e-15);
  DiscreteProcess cosine("squaredcos_cap_v2", 1000, 0, 0);
  EXPECT_LE(cosine.betas().max().item<double>(), 0.999);
  auto f = [](double t) { return std::pow(std::cos((t + 0.008) / 1.008 * M_PI / 2), 2); };
  EXPECT_NEAR(cosine.at(0.5 + 1e-3).mu * cosine.at(0.5 + 1e-3).mu, f(0.501) / f(0.0), 1e-9);
}

TEST(DiscreteProcess, SchedulerConfigsAndTheirErrors) {
  auto p = process_from_scheduler(
      {{"_class_name", "DDPMScheduler"}, {"num_train_timesteps", 1000}, {"beta_schedule", "linear"}, {"prediction_type", "epsilon"}});
  EXPECT_EQ(p->timesteps(), 1000);
  EXPECT_NEAR(p->betas()[999].item<double>(), 0.02, 1e-15);  // diffusers' defaults
  const auto again = process_from_config(p->config());
  EXPECT_EQ(again->config(), p->config());
  EXPECT_EQ(again->name(), "ddpm");
  EXPECT_THROWS_WITH(process_from_scheduler({{"beta_schedule", "sigmoid"}}),
                     "beta_schedule 'sigmoid' not found; known: linear, scaled_linear, squaredcos_cap_v2");
  EXPECT_THROWS_WITH(process_from_scheduler({{"num_train_timesteps", 10.5}}), "\"num_train_timesteps\" must be an integer");
  EXPECT_THROWS_WITH(process_from_scheduler({{"beta_start", "small"}}), "\"beta_start\" must be a number");
  EXPECT_THROWS_WITH(process_from_scheduler({{"trained_betas", {0.1, 0.2}}}), "\"trained_betas\" is not supported");
  EXPECT_THROWS_WITH(process_from_scheduler({{"beta_start", 0.5}, {"beta_end", 0.1}}), "0 < beta_start <= beta_end < 1");
}

}  // namespace
}  // namespace diffinfo
