#include "diffinfo/measure/reference.h"

#include "diffinfo/io/json_file.h"

#include "diffinfo/analytic/joint_gaussian.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/random.h"

#include <cmath>

namespace diffinfo {

EntropyReference exact_entropy(const nlohmann::json& full_spec, const ForwardProcess& process, const torch::Tensor& data,
                               const EntropyOptions& options) {
  // A joint-Gaussian spec holds the law of X under "x".
  const auto& spec = full_spec.value("type", "") == "joint-gaussian" ? full_spec.at("x") : full_spec;
  const auto law = GaussianMixture::from_spec(spec);
  TORCH_CHECK(law.dim() == data.size(1), "the exact law has dimension ", law.dim(), " but the data have ", data.size(1));
  EntropyReference ref;
  if (spec.at("type") == "gaussian") {
    const GaussianData g(json_to_tensor(spec["mean"], 1, "spec.mean"), json_to_tensor(spec["cov"], 2, "spec.cov"));
    ref.total = {g.total_entropy(process), 0.0};
    ref.method = "closed form (Gaussian)";
    if (!std::isinf(process.eq_var())) {
      const auto d = kl_decomposition(g, process);
      ref.decomposition = {{"kl_to_equilibrium", d.total}, {"marginal_kl", d.marginal}, {"total_correlation", d.total_correlation}};
    }
  } else {
    auto gen = make_generator(derive_seed(options.seed(), 1));
    ref.total = law.total_entropy(process, 200000, gen);
    ref.method = "Monte Carlo on the exact density (200000 draws each at s = 0 and T)";
  }
  ref.curve = neural_entropy(process, exact_residual(law, process), data, options);
  return ref;
}

DataEntropy data_entropy(const nlohmann::json& full_spec, int64_t dim, uint64_t seed) {
  const auto& spec = full_spec.value("type", "") == "joint-gaussian" ? full_spec.at("x") : full_spec;
  const auto type = spec.value("type", "");
  if (type == "uniform") {
    const double low = json_number(spec, "low", -1e30, 1e30), high = json_number(spec, "high", -1e30, 1e30);
    const int64_t d = json_integer(spec, "dim", 1, int64_t{1} << 24);
    TORCH_CHECK(d == dim, "the law has dimension ", d, " but the data have ", dim);
    TORCH_CHECK(high > low, "a uniform law needs high > low, got [", low, ", ", high, "]");
    return {{static_cast<double>(d) * std::log(high - low), 0.0}, "closed form (uniform on a box)"};
  }
  TORCH_CHECK(type == "gaussian" || type == "mixture", "no data entropy for spec type '", type,
              "'; known: gaussian, mixture, uniform, joint-gaussian");
  const auto law = GaussianMixture::from_spec(spec);
  TORCH_CHECK(law.dim() == dim, "the law has dimension ", law.dim(), " but the data have ", dim);
  if (type == "gaussian")
    return {{GaussianData(json_to_tensor(spec["mean"], 1, "spec.mean"), json_to_tensor(spec["cov"], 2, "spec.cov")).entropy(), 0.0},
            "closed form (Gaussian)"};
  auto gen = make_generator(derive_seed(seed, 3));
  return {mean_estimate(-law.log_density(law.sample(200000, gen))), "Monte Carlo on the exact density (200000 draws)"};
}

torch::Tensor data_log_density(const nlohmann::json& full_spec, const torch::Tensor& x) {
  const auto& spec = full_spec.value("type", "") == "joint-gaussian" ? full_spec.at("x") : full_spec;
  TORCH_CHECK(x.dim() == 2, "data must be [N, D], got ", x.sizes());
  auto xd = x.to(torch::kCPU, torch::kFloat64);
  if (spec.value("type", "") == "uniform") {
    const double low = json_number(spec, "low", -1e30, 1e30), high = json_number(spec, "high", -1e30, 1e30);
    TORCH_CHECK(json_integer(spec, "dim", 1, int64_t{1} << 24) == x.size(1), "the law has dimension ", json_integer(spec, "dim", 1, int64_t{1} << 24),
                " but the data have ", x.size(1));
    auto inside = ((xd >= low) & (xd <= high)).all(1);
    return torch::where(inside, torch::full({x.size(0)}, -x.size(1) * std::log(high - low), torch::kFloat64),
                        torch::full({x.size(0)}, -INFINITY, torch::kFloat64));
  }
  const auto law = GaussianMixture::from_spec(spec);
  TORCH_CHECK(law.dim() == x.size(1), "the law has dimension ", law.dim(), " but the data have ", x.size(1));
  return law.log_density(xd);
}

MutualInformationReference exact_mutual_information(const nlohmann::json& spec, const ForwardProcess& process,
                                                    const torch::Tensor& data, const torch::Tensor& cond,
                                                    const EntropyOptions& options, bool joint) {
  const auto type = spec.value("type", "");
  MutualInformationReference ref;
  if (type == "joint-gaussian") {
    const auto law = JointGaussian::from_spec(spec);
    TORCH_CHECK(law.dim_x() == data.size(1) && cond.dim() == 2 && law.dim_y() == cond.size(1),
                "the exact law is [D_X, D_Y] = [", law.dim_x(), ", ", law.dim_y(), "] but the data are [", data.size(1),
                ", ", cond.dim() == 2 ? cond.size(1) : 0, "]");
    ref.total = {law.mutual_information(), 0.0};
    ref.method = "closed form (joint Gaussian, Kelly gamblers Eq. 55)";
    ref.entropy_x = law.x_law().total_entropy(process);
    ref.entropy_x_given_y = ref.entropy_x + law.mutual_information() - law.mutual_information(process, process.t_max());
    if (!joint) {
      ref.curve = mutual_information(
          process, [&](const torch::Tensor& x, const torch::Tensor& s, const Condition& c) { return law.residual(process, x, s, c); },
          data, cond, options);
      for (const auto& p : ref.curve.minde.curve) ref.running.push_back(law.mutual_information(process, p.s_lo));
      return ref;
    }
    // Joint diffusion: the exact residuals of Z = [X, Y], of X and of Y, by block label.
    const int64_t dx = law.dim_x(), dy = law.dim_y();
    const auto e_z = exact_residual(law.joint_law().as_mixture(), process);
    const auto e_x = exact_residual(law.x_law().as_mixture(), process);
    const auto e_y = exact_residual(law.y_law().as_mixture(), process);
    ref.curve = joint_mutual_information(
        process,
        [&](const torch::Tensor& z, const torch::Tensor& s, const Condition& c) {
          auto block = c.value.unsqueeze(1);
          auto x_only = torch::cat({e_x(z.narrow(1, 0, dx), s), torch::zeros({z.size(0), dy}, z.options())}, 1);
          auto y_only = torch::cat({torch::zeros({z.size(0), dx}, z.options()), e_y(z.narrow(1, dx, dy), s)}, 1);
          return torch::where(block == 0, e_z(z, s), torch::where(block == 1, x_only, y_only));
        },
        data, cond, options);
    for (const auto& p : ref.curve.minde.curve) ref.running.push_back(law.joint_mutual_information(process, p.s_lo));
    return ref;
  }
  if (type == "bmi") {  // the truth is known, exact scores are not
    ref.total = {json_number(spec, "mutual_information", 0, 1e9), 0.0};
    ref.method = "closed form of the benchmark task " + spec.value("task", std::string("?"));
    return ref;
  }
  TORCH_CHECK(!joint, "no exact joint-diffusion curves for spec type '", type, "'; known: joint-gaussian, bmi");
  TORCH_CHECK(type == "mixture" || type == "gaussian", "no exact mutual information for spec type '", type,
              "'; known: joint-gaussian (vectors), mixture (labels), bmi");
  const auto law = GaussianMixture::from_spec(spec);
  TORCH_CHECK(law.dim() == data.size(1), "the exact law has dimension ", law.dim(), " but the data have ", data.size(1));
  TORCH_CHECK(cond.dim() == 1 && cond.scalar_type() == torch::kInt64,
              "a mixture's exact mutual information is with its component labels [N] int64");
  auto gen = make_generator(derive_seed(options.seed(), 2));
  ref.total = law.label_information(200000, gen);
  ref.method = "Monte Carlo on the exact posterior (200000 draws)";
  ref.curve = mutual_information(
      process,
      [&](const torch::Tensor& x, const torch::Tensor& s, const Condition& c) {
        auto score = c.is_null() ? law.score(process, x, s) : law.component_score(process, x, s, c.value);
        return score - process.eq_score(x);
      },
      data, cond, options);
  return ref;
}

}  // namespace diffinfo
