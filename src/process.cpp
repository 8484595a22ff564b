#include "diffinfo/process.h"

#include "diffinfo/io/json_file.h"

#include "diffinfo/names.h"
#include "diffinfo/processes/discrete.h"
#include "diffinfo/processes/sl.h"
#include "diffinfo/processes/ve.h"
#include "diffinfo/processes/vp.h"
#include "diffinfo/random.h"

#include <cmath>
#include <limits>

namespace diffinfo {
namespace {

double log_2pi_e() { return std::log(2.0 * M_PI) + 1.0; }

}  // namespace

Schedule ForwardProcess::at(double s) const {
  auto t = torch::tensor(s, torch::kFloat64);
  return {drift_coef(t).item<double>(), diffusion(t).item<double>(), mean_factor(t).item<double>(),
          kernel_var(t).item<double>()};
}

torch::Tensor ForwardProcess::drift(const torch::Tensor& x, const torch::Tensor& s) const {
  return drift_coef(s).to(x.dtype()) * x;
}

torch::Tensor ForwardProcess::sample(const torch::Tensor& x0, const torch::Tensor& s, const torch::Tensor& eps) const {
  return mean_factor(s).to(x0.dtype()) * x0 + kernel_var(s).sqrt().to(x0.dtype()) * eps;
}

torch::Tensor ForwardProcess::kernel_score(const torch::Tensor& x0, const torch::Tensor& s, const torch::Tensor& x_s) const {
  return (mean_factor(s).to(x_s.dtype()) * x0 - x_s) / kernel_var(s).to(x_s.dtype());
}

torch::Tensor ForwardProcess::eq_score(const torch::Tensor& x) const {
  if (std::isinf(eq_var())) return torch::zeros_like(x);
  return -x / eq_var();
}

torch::Tensor ForwardProcess::eq_log_density(const torch::Tensor& x) const {
  if (std::isinf(eq_var())) return torch::zeros({x.size(0)}, x.options());
  const double d = static_cast<double>(x.size(1));
  return -0.5 * x.pow(2).sum(1) / eq_var() - 0.5 * d * std::log(2.0 * M_PI * eq_var());
}

double ForwardProcess::eq_entropy(int64_t dim) const {
  if (std::isinf(eq_var())) return std::numeric_limits<double>::infinity();
  return 0.5 * static_cast<double>(dim) * (log_2pi_e() + std::log(eq_var()));
}

torch::Tensor ForwardProcess::sample_prior(int64_t n, int64_t dim, torch::Generator& gen,
                                           const torch::TensorOptions& options) const {
  return randn({n, dim}, gen, options) * std::sqrt(prior_var());
}

double ForwardProcess::prior_entropy(int64_t dim) const {
  return 0.5 * static_cast<double>(dim) * (log_2pi_e() + std::log(prior_var()));
}

std::vector<std::string> process_names() { return {"vp", "vpx", "sl", "ve"}; }

std::unique_ptr<ForwardProcess> make_process(const std::string& name, const ProcessOptions& o) {
  if (name == "vp") return std::make_unique<VpProcess>(o.beta_min(), o.beta_max(), 1.0, false);
  if (name == "vpx") return std::make_unique<VpProcess>(o.beta_min(), o.beta_max(), o.kappa(), true);
  if (name == "sl") return std::make_unique<SlProcess>(o.sigma0(), o.sl_margin());
  if (name == "ve") return std::make_unique<VeProcess>(o.sigma_min(), o.sigma_max());
  TORCH_CHECK(false, unknown_name("process", name, process_names()));
}

std::unique_ptr<ForwardProcess> process_from_config(const nlohmann::json& config) {
  TORCH_CHECK(config.is_object() && config.contains("name") && config["name"].is_string(),
              "process configuration needs a \"name\", got ", config.dump().substr(0, 80));
  if (config["name"] == "ddpm") return process_from_scheduler(config);  // a discrete schedule (docs/math.md §11)
  const ProcessOptions defaults;
  auto get = [&](const char* key, double fallback) {
    return config.contains(key) ? json_number(config, key, -1e6, 1e6) : fallback;
  };
  ProcessOptions o;
  o.beta_min(get("beta_min", defaults.beta_min()))
      .beta_max(get("beta_max", defaults.beta_max()))
      .kappa(get("kappa", defaults.kappa()))
      .sigma0(get("sigma0", defaults.sigma0()))
      .sl_margin(get("sl_margin", defaults.sl_margin()))
      .sigma_min(get("sigma_min", defaults.sigma_min()))
      .sigma_max(get("sigma_max", defaults.sigma_max()));
  return make_process(config["name"].get<std::string>(), o);
}

}  // namespace diffinfo
