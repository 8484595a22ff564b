#include "diffinfo/app/tc.h"

#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/app/measurement.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/measure/total_correlation.h"

#include <algorithm>
#include <cmath>

namespace diffinfo::app {
namespace {

// TC's interval (docs/uncertainty.md): the same difference of the entropies in their denoising forms spans
// it with the S_NN one; the rows' errors of the joint and of each marginal in quadrature (their draws are
// independent; they share the rows, and where those move the terms alike this overstates the rows' error).
Uncertainty tc_uncertainty(const TotalCorrelation& tc, const MeasuredModel& run, const std::vector<double>& ensemble) {
  EntropyProfile as_one;  // TC as one profile: its estimate and its rows' error
  as_one.total = tc.total_correlation;
  double rows = std::pow(tc.joint.rows_stderr, 2), denoising = tc.joint.denoising.value;
  double gap = std::pow(tc.joint.gap.std_error, 2) + std::pow(tc.joint.gap_rows_stderr, 2);
  for (const auto& m : tc.marginals) {
    rows += std::pow(m.rows_stderr, 2), denoising -= m.denoising.value;
    gap += std::pow(m.gap.std_error, 2) + std::pow(m.gap_rows_stderr, 2);
  }
  as_one.rows_stderr = std::sqrt(rows);
  auto u = single_network_uncertainty(as_one, run, "total_correlation", ensemble);
  u.add_estimator("denoising_form", denoising, std::sqrt(gap));
  return u;
}

}  // namespace

Report run_tc(const TcRequest& a) {
  const auto device = device_from_name(a.device);
  const auto joint = load_model(a.model, device, a.data);
  const auto marginal = load_model(a.marginals, device);
  if (joint.config.conditional())
    throw std::runtime_error(joint.name + ": --run must be an unconditional run on the full data");
  if (marginal.config.cond_kind != CondKind::kCoordinates)
    throw std::runtime_error(marginal.name + ": --marginals must be a run trained with 'diffinfo train --marginals'");
  if (marginal.config.model.classes() != joint.config.model.dim() || marginal.config.process != joint.config.process)
    throw std::runtime_error(marginal.name + ": the marginal run must share the process of " + joint.name + " and model its " +
                             std::to_string(joint.config.model.dim()) + " coordinates, it models " +
                             std::to_string(marginal.config.model.classes()));
  const auto rows = load_data(joint, a.data, a.measure_on);
  const auto& data_path = rows.path;
  const auto options = measurement_options(a.options, joint.config);
  const auto& process = *joint.process;
  const auto measure_pair = [&](const MeasuredModel& j, const MeasuredModel& m, const torch::Tensor& x) {
    return total_correlation(process, j.residual(), m.conditional_residual(), x.to(device, torch::kFloat32), options);
  };
  const auto measure = [&](const torch::Tensor& x) { return measure_pair(joint, marginal, x); };
  const auto tc = measure(rows.x);
  // The ensemble (train --ensemble): member k of the joint run with member k of the marginals run, either the
  // run itself where it has fewer members.
  const auto joint_members = load_members(joint, device), marginal_members = load_members(marginal, device);
  std::vector<double> ensemble{tc.total_correlation.value};
  for (size_t k = 0; k < std::max(joint_members.size(), marginal_members.size()); ++k)
    ensemble.push_back(measure_pair(k < joint_members.size() ? joint_members[k] : joint,
                                    k < marginal_members.size() ? marginal_members[k] : marginal, rows.x)
                           .total_correlation.value);
  auto measured_on = rows.selection.to_json();
  std::string memorised;
  if (rows.in_sample.defined())  // the rows the joint run was trained on: the memorisation check
    memorised = memorisation_check(measured_on, tc.total_correlation, measure(rows.in_sample).total_correlation, "TC");

  nlohmann::json per;
  for (const auto& m : tc.marginals) per.push_back(to_json(m.total));
  Report r;
  auto& out = r.json;
  const auto uncertainty = tc_uncertainty(tc, joint, ensemble);
  out = {{"total_correlation", uncertainty.to_json()},
                        {"neural_entropy_joint", to_json(tc.joint.total)},
                        {"neural_entropy_marginal_sum", to_json(tc.marginal_sum)},
                        {"neural_entropy_marginals", per},
                        {"units", "nats"},
                        {joint.source_key(), joint.name},
                        {"marginals_run", marginal.name},
                        {"data", data_path},
                        {"measured_on", measured_on},
                        {"process", process.config()},
                        {"settings", tc.joint.settings()}};
  if (ensemble.size() > 1) out["ensemble"] = ensemble_json(ensemble);
  if (!memorised.empty()) r.warnings.push_back(memorised);
  if (const auto bias = bias_warning(uncertainty, "TC"); !bias.empty()) r.warnings.push_back(bias);
  if (auto w = rows_warning(uncertainty, "TC"); !w.empty()) r.warnings.push_back(w);
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
  r.text += format("total correlation    TC = %.4f ± %.4f nats  (S_NN(X) %.4f - sum of marginals %.4f)\n",
              tc.total_correlation.value, tc.total_correlation.std_error, tc.joint.total.value, tc.marginal_sum.value);
  for (size_t k = 0; k < tc.marginals.size(); ++k)
    r.text += format("  S_NN(X_%zu) = %.4f ± %.4f\n", k, tc.marginals[k].total.value, tc.marginals[k].total.std_error);
  r.text += uncertainty_line("95 % interval        ", uncertainty);
  r.text += ensemble_line("ensemble             ", ensemble);
  if (std::isfinite(exact_tc)) {
    r.text += format("exact                TC = %.4f nats  (closed form, Gaussian; %s the 95 %% interval)\n", exact_tc,
                     inside(uncertainty, exact_tc) ? "inside" : "outside");
    if (exact_tc != 0)
      r.text += format("relative error       %+.2f %%\n", 100.0 * (tc.total_correlation.value / exact_tc - 1.0));
  }
  r.text += rows_line("rows                 ", rows.selection, measured_on);
  return r;
}

}  // namespace diffinfo::app
