// diffinfo tc: total correlation of X from a joint run and its per-coordinate marginal run,
// the neural form of KL(p‖p_eq) = Σ_k KL(p_k‖p_eq,k) + TC (seed 003 Eq. 8).
#include "commands.h"

#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/measure/total_correlation.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

struct TcArgs {
  std::string run, marginals, data, exact_spec, device = "cpu";
  bool json = false;
  EntropyOptions options;
};

void run_tc(const TcArgs& a) {
  const auto device = parse_device(a.device);
  const auto joint = load_run(a.run, device);
  const auto marginal = load_run(a.marginals, device);
  if (joint.config.conditional())
    throw std::runtime_error(a.run + ": --run must be an unconditional run on the full data");
  if (marginal.config.cond_kind != "coordinates")
    throw std::runtime_error(a.marginals + ": --marginals must be a run trained with 'diffinfo train --marginals'");
  if (marginal.config.model.classes() != joint.config.model.dim() || marginal.config.process != joint.config.process)
    throw std::runtime_error(a.marginals + ": the marginal run must share the process of " + a.run + " and model its " +
                             std::to_string(joint.config.model.dim()) + " coordinates, it models " +
                             std::to_string(marginal.config.model.classes()));
  const auto [x, data_path] = load_run_data(joint.config, a.run, a.data);
  const auto options = measure_options(a.options, joint.config);
  const auto& process = *joint.process;
  const auto jm = joint.model, mm = marginal.model;
  const auto tc = total_correlation(
      process, [&](const torch::Tensor& xs, const torch::Tensor& s) { return jm->residual(xs, s); },
      [&](const torch::Tensor& xs, const torch::Tensor& s, const Condition& c) { return mm->residual(xs, s, c); },
      x.to(device, torch::kFloat32), options);

  nlohmann::json per;
  for (const auto& m : tc.marginals) per.push_back(to_json(m.total));
  nlohmann::json out = {{"total_correlation", to_json(tc.total_correlation)},
                        {"neural_entropy_joint", to_json(tc.joint.total)},
                        {"neural_entropy_marginal_sum", to_json(tc.marginal_sum)},
                        {"neural_entropy_marginals", per},
                        {"units", "nats"},
                        {"run", a.run},
                        {"marginals_run", a.marginals},
                        {"data", data_path},
                        {"process", process.config()},
                        {"settings", tc.joint.settings()}};
  double exact_tc = std::nan("");
  if (!a.exact_spec.empty()) {
    const auto law = with_spec(a.exact_spec, [](nlohmann::json spec) {
      if (spec.value("type", "") == "joint-gaussian") spec = spec["x"];
      if (spec.value("type", "") != "gaussian")
        throw std::runtime_error("the exact total correlation needs a gaussian spec ('diffinfo data gaussian')");
      return GaussianData(json_to_tensor(spec["mean"], 1, "spec.mean"), json_to_tensor(spec["cov"], 2, "spec.cov"));
    });
    const auto d = kl_decomposition(law, process);
    exact_tc = d.total_correlation;
    out["exact"] = {{"total_correlation", d.total_correlation}, {"marginal_kl", d.marginal}, {"kl_to_equilibrium", d.total},
                    {"method", "closed form (Gaussian)"}, {"source", a.exact_spec}};
  }
  if (a.json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("total correlation    TC = %.4f ± %.4f nats  (S_NN(X) %.4f - sum of marginals %.4f)\n",
              tc.total_correlation.value, tc.total_correlation.std_error, tc.joint.total.value, tc.marginal_sum.value);
  for (size_t k = 0; k < tc.marginals.size(); ++k)
    std::printf("  S_NN(X_%zu) = %.4f ± %.4f\n", k, tc.marginals[k].total.value, tc.marginals[k].total.std_error);
  if (std::isfinite(exact_tc)) std::printf("exact                TC = %.4f nats  (closed form, Gaussian)\n", exact_tc);
}

}  // namespace

void add_tc(CLI::App& app) {
  auto a = std::make_shared<TcArgs>();
  auto* cmd = app.add_subcommand("tc", "Total correlation of X from a joint run and its marginal run (train --marginals)");
  cmd->add_option("--run", a->run, "unconditional run on the full data X [N, D]")->required();
  cmd->add_option("--marginals", a->marginals, "run trained with 'diffinfo train --marginals' on the same X")->required();
  cmd->add_option("--data", a->data, "data x0 [N, D] (default: the run's training data)");
  cmd->add_option("--exact", a->exact_spec, "add the closed-form TC of a Gaussian spec ('diffinfo data gaussian')");
  cmd->add_flag("--json", a->json, "print one JSON object on stdout");
  add_measure_options(cmd, a->device, a->options);
  cmd->callback([a] { run_tc(*a); });
}

}  // namespace diffinfo::cli
