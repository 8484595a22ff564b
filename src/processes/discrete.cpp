#include "diffinfo/processes/discrete.h"

#include "diffinfo/names.h"

#include <algorithm>
#include <cmath>

namespace diffinfo {
namespace {

// diffusers' betas_for_alpha_bar with the cosine ᾱ of Nichol & Dhariwal, "Improved DDPM" (Eq. 17),
// each β capped at 0.999.
torch::Tensor cosine_betas(int64_t n) {
  auto f = [](double t) { return std::pow(std::cos((t + 0.008) / 1.008 * M_PI / 2), 2); };
  auto betas = torch::empty({n}, torch::kFloat64);
  auto b = betas.accessor<double, 1>();
  for (int64_t i = 0; i < n; ++i) b[i] = std::min(1.0 - f(double(i + 1) / n) / f(double(i) / n), 0.999);
  return betas;
}

}  // namespace

std::vector<std::string> beta_schedule_names() { return {"linear", "scaled_linear", "squaredcos_cap_v2"}; }

DiscreteProcess::DiscreteProcess(const std::string& schedule, int64_t timesteps, double beta_start, double beta_end)
    : schedule_(schedule), timesteps_(timesteps), beta_start_(beta_start), beta_end_(beta_end) {
  TORCH_CHECK(is_known(beta_schedule_names(), schedule), unknown_name("beta_schedule", schedule, beta_schedule_names()));
  TORCH_CHECK(timesteps >= 1 && timesteps <= 1000000, "num_train_timesteps must be in 1…10⁶, got ", timesteps);
  if (schedule == "squaredcos_cap_v2") {
    betas_ = cosine_betas(timesteps);
  } else {
    TORCH_CHECK(beta_start > 0 && beta_end >= beta_start && beta_end < 1,
                "a linear schedule needs 0 < beta_start <= beta_end < 1, got beta_start ", beta_start, ", beta_end ",
                beta_end);
    betas_ = schedule == "linear" ? torch::linspace(beta_start, beta_end, timesteps, torch::kFloat64)
                                  : torch::linspace(std::sqrt(beta_start), std::sqrt(beta_end), timesteps, torch::kFloat64)
                                        .pow(2);
  }
  table_ = torch::cat({torch::zeros({1}, torch::kFloat64), torch::log1p(-betas_).cumsum(0)});
}

nlohmann::json DiscreteProcess::config() const {
  nlohmann::json j = {{"name", name()}, {"beta_schedule", schedule_}, {"num_train_timesteps", timesteps_}};
  if (schedule_ != "squaredcos_cap_v2") j["beta_start"] = beta_start_, j["beta_end"] = beta_end_;
  return j;
}

torch::Tensor DiscreteProcess::segment(const torch::Tensor& s) const {
  return (s.to(torch::kFloat64) * double(timesteps_)).floor().clamp(0, timesteps_ - 1).to(torch::kInt64);
}

torch::Tensor DiscreteProcess::log_alpha_bar(const torch::Tensor& s) const {
  const auto table = table_.to(s.device());
  const auto k = segment(s);
  const auto flat = k.reshape({-1});
  const auto lo = table.index_select(0, flat).view(k.sizes()), hi = table.index_select(0, flat + 1).view(k.sizes());
  const auto frac = s.to(torch::kFloat64) * double(timesteps_) - k.to(torch::kFloat64);
  return (lo + frac * (hi - lo)).to(s.scalar_type());
}

torch::Tensor DiscreteProcess::drift_coef(const torch::Tensor& s) const {
  const auto k = segment(s).reshape({-1});
  const auto table = table_.to(s.device());
  const auto slope = table.index_select(0, k + 1) - table.index_select(0, k);  // ln(1 − β_k)
  return (0.5 * double(timesteps_) * slope).view(s.sizes()).to(s.scalar_type());
}

torch::Tensor DiscreteProcess::diffusion(const torch::Tensor& s) const { return (-2.0 * drift_coef(s)).sqrt(); }

torch::Tensor DiscreteProcess::mean_factor(const torch::Tensor& s) const { return torch::exp(0.5 * log_alpha_bar(s)); }

torch::Tensor DiscreteProcess::kernel_var(const torch::Tensor& s) const { return -torch::expm1(log_alpha_bar(s)); }

std::unique_ptr<DiscreteProcess> process_from_scheduler(const nlohmann::json& c) {
  TORCH_CHECK(c.is_object(), "a scheduler config must be a JSON object");
  auto number = [&](const char* key, double fallback) {
    if (!c.contains(key) || c[key].is_null()) return fallback;
    TORCH_CHECK(c[key].is_number(), "scheduler field \"", key, "\" must be a number, got ", c[key].dump());
    return c[key].get<double>();
  };
  TORCH_CHECK(!c.contains("trained_betas") || c["trained_betas"].is_null(),
              "scheduler field \"trained_betas\" is not supported; use beta_schedule with beta_start and beta_end");
  std::string schedule = "linear";
  if (c.contains("beta_schedule")) {
    TORCH_CHECK(c["beta_schedule"].is_string(), "scheduler field \"beta_schedule\" must be a string");
    schedule = c["beta_schedule"].get<std::string>();
  }
  const double n = number("num_train_timesteps", 1000);
  TORCH_CHECK(n == std::floor(n) && n >= 1 && n <= 1e6, "scheduler field \"num_train_timesteps\" must be an integer in 1…10⁶");
  // diffusers' defaults (DDPMScheduler): 1000 steps, linear from 1e-4 to 0.02.
  return std::make_unique<DiscreteProcess>(schedule, int64_t(n), number("beta_start", 1e-4), number("beta_end", 0.02));
}

}  // namespace diffinfo
