#include "diffinfo/app/mi.h"

#include "diffinfo/app/measurement.h"
#include "diffinfo/measure/mutual_information.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/report/mutual_information.h"

#include <cmath>
#include <optional>

namespace diffinfo::app {
namespace {

// e(x_s, s) from a separate unconditional network (--uncond-run, --uncond-model), or none: the run's null condition.
std::optional<MeasuredModel> load_unconditional(const MiRequest& a, const MeasuredModel& run, const torch::Device& device,
                                                const std::string& x_path) {
  if (a.uncond.run.empty() && a.uncond.model.empty()) return std::nullopt;
  if (run.config.cond_kind == CondKind::kJoint)
    throw std::runtime_error(run.name + ": a joint run models X and Y alone itself; drop --uncond-run");
  auto source = a.uncond;
  if (run.card) source.base = unconditional_card(*run.card);
  auto uncond = load_model(source, device, x_path);
  const std::string flag = uncond.card ? "--uncond-model" : "--uncond-run";
  if (uncond.config.conditional())
    throw std::runtime_error(uncond.name + ": " + flag + " must be an unconditional " +
                             (uncond.card ? "model, forward(x, t)" : "run (trained without --cond/--labels)"));
  if (uncond.config.model.dim() != run.config.model.dim() || uncond.config.process != run.config.process)
    throw std::runtime_error(uncond.name + ": " + flag + " must share the process and data dimension of " + run.name);
  return uncond;
}

// Condition rows as the network takes them: vectors in float32, labels as they are.
torch::Tensor on_device(const torch::Tensor& cond, const torch::Device& device) {
  return cond.is_floating_point() ? cond.to(device, torch::kFloat32) : cond.to(device);
}

// H(Y) bounds a label MI: each estimator against it, in the JSON and as one warning when exceeded.
void add_label_bounds(Report& r, const MutualInformationProfile& mi, const torch::Tensor& labels) {
  const auto bound = check_label_bound(mi.minde.total, labels);
  const auto diff_bound = check_label_bound(mi.difference.total, labels);
  const auto gap_bound = check_label_bound(mi.mmse_gap.total, labels);
  auto& out = r.json;
  out["label_entropy"] = bound.label_entropy;
  out["exceeds_label_entropy"] = bound.exceeds;
  out["excess_stderr"] = bound.excess_stderr;
  out["entropy_difference_exceeds_label_entropy"] = diff_bound.exceeds;
  out["entropy_difference_excess_stderr"] = diff_bound.excess_stderr;
  out["mmse_gap_exceeds_label_entropy"] = gap_bound.exceeds;
  out["mmse_gap_excess_stderr"] = gap_bound.excess_stderr;
  if (bound.exceeds || diff_bound.exceeds || gap_bound.exceeds)
    r.warnings.push_back(format("diffinfo: warning: MINDE %.4f (%+.1f stderr), the entropy difference %.4f (%+.1f stderr) "
                                "and the MMSE gap %.4f (%+.1f stderr) against H(Y) = %.4f nats, which bounds label MI: "
                                "more than 2 stderr above it means bias",
                                mi.minde.total.value, bound.excess_stderr, mi.difference.total.value, diff_bound.excess_stderr,
                                mi.mmse_gap.total.value, gap_bound.excess_stderr, bound.label_entropy));
}

// I(X_s; Y) of exact scores flattens as s → 0; a gain that goes on through the lowest decade is
// the network's error, amplified like 1/Σ(s) and integrated as if it were information.
auto check_small_s_drift(Report& r, const MutualInformationProfile& mi, double s_min, const char* running) {
  const auto drift = mi.minde.gain_per_efold(10.0 * s_min);
  const double decade = drift.per_efold.value * std::log(drift.s_hi / drift.s_lo);
  r.json["small_s_drift"] = {{"per_efold", to_json(drift.per_efold)},
                             {"s_from", drift.s_lo},
                             {"s_to", drift.s_hi},
                             {"units", "nats of MINDE per e-fold of s; exact scores give ~0"}};
  if (drift.per_efold.value > kDriftStderrs * drift.per_efold.std_error &&
      decade > kDriftFraction * std::abs(mi.minde.total.value))
    r.warnings.push_back(format("diffinfo: warning: MINDE still gains %.4f ± %.4f nats per e-fold of s on [%.3g, %.3g] "
                                "(%.4f nats there); exact scores flatten %s as s -> 0, so this is network error "
                                "counted as information (%s at larger s: the curve's mi_above)",
                                drift.per_efold.value, drift.per_efold.std_error, drift.s_lo, drift.s_hi, decade, running, running));
  return drift;
}

// MINDE − MMSE gap vanishes for an optimal conditional denoiser; far from 0, the conditional outputs are off
// and the two estimates part around the truth (mutual_information.h).
void check_orthogonality(Report& r, const MutualInformationProfile& mi) {
  const auto& orth = mi.orthogonality.total;
  if (std::abs(orth.value) > kOrthogonalityStderrs * orth.std_error &&
      std::abs(orth.value) > kOrthogonalityFraction * std::abs(mi.minde.total.value))
    r.warnings.push_back(format("diffinfo: warning: MINDE - MMSE gap = %.4f ± %.4f nats, where an optimal conditional denoiser "
                                "gives 0: the conditional outputs are off, and an error of theirs that the condition does not "
                                "explain raises MINDE and lowers the MMSE gap by the same amount",
                                orth.value, orth.std_error));
}

// The exact MI of a known law beside the estimate: JSON now, the text lines returned for the report's end.
std::string add_exact(Report& r, const MutualInformationReference& exact, const MutualInformationProfile& mi,
                      const std::string& spec, bool exact_scores, const Uncertainty& uncertainty) {
  auto& e = r.json["exact"];
  e = {{"mutual_information", to_json(exact.total)}, {"method", exact.method}, {"source", spec}};
  if (exact_scores) {
    e["minde_exact_scores"] = to_json(exact.curve.minde.total);
    e["entropy_difference_exact_scores"] = to_json(exact.curve.difference.total);
    e["mmse_gap_exact_scores"] = to_json(exact.curve.mmse_gap.total);
  }
  if (!std::isnan(exact.entropy_x)) e["total_entropy_x"] = exact.entropy_x, e["total_entropy_x_given_y"] = exact.entropy_x_given_y;
  r.json["relative_error"] = mi.minde.total.value / exact.total.value - 1.0;
  std::string text = format("exact                I(X;Y) = %.4f nats  (%s)\n", exact.total.value, exact.method.c_str());
  if (!std::isnan(exact.entropy_x))
    text += format("exact entropies      S_tot^X = %.4f, S_tot^X|Y = %.4f nats  (neural %.4f, %.4f)\n", exact.entropy_x,
                   exact.entropy_x_given_y, mi.unconditional.total.value, mi.conditional.total.value);
  if (exact_scores)
    text += format("exact-score MINDE    %.4f ± %.4f nats  (the estimator's floor on these draws)\n",
                   exact.curve.minde.total.value, exact.curve.minde.total.std_error);
  return text + format("relative error       %+.2f %%  (%s the 95 %% interval)\n", 100.0 * (mi.minde.total.value / exact.total.value - 1.0),
                       inside(uncertainty, exact.total.value) ? "inside" : "outside");
}

// MINDE's interval (docs/uncertainty.md): the entropy difference and the MMSE gap in its span, each with the
// paired random error of its difference from MINDE.
Uncertainty mi_uncertainty(const MutualInformationProfile& mi, const MeasuredModel& run, const std::vector<double>& ensemble) {
  auto u = single_network_uncertainty(mi.minde, run, "minde", ensemble);
  u.add_estimator("entropy_difference", mi.difference.total.value, mi.difference_gap.total_with_rows().std_error)
      .add_estimator("mmse_gap", mi.mmse_gap.total.value, mi.orthogonality.total_with_rows().std_error);
  return u;
}

// The three estimators' text lines.
std::string estimator_lines(const MutualInformationProfile& mi, bool joint, const std::string& process, int64_t step) {
  return format("MINDE                I(X;Y) = %.4f ± %.4f nats  (%s, step %lld)\n", mi.minde.total.value,
                mi.minde.total.std_error, process.c_str(), static_cast<long long>(step)) +
         format("entropy difference   %s = %.4f ± %.4f nats  (%.4f - %.4f)\n", joint ? "S(X,Y) - S(X) - S(Y)" : "S^X|Y - S^X",
                mi.difference.total.value, mi.difference.total.std_error, mi.conditional.total.value,
                mi.unconditional.total.value) +
         format("MMSE gap             L(y=null) - L(y) = %.4f ± %.4f nats  (MINDE - MMSE gap = %.4f ± %.4f: ~0 for an "
                "optimal conditional denoiser)\n",
                mi.mmse_gap.total.value, mi.mmse_gap.total.std_error, mi.orthogonality.total.value,
                mi.orthogonality.total.std_error);
}

// The text lines of the small-s drift and, for labels, of the bound H(Y).
std::string check_lines(const nlohmann::json& out, const EfoldGain& drift, bool labels) {
  std::string text = format("small-s drift        %+.4g ± %.2g nats per e-fold of s on [%.3g, %.3g]  (exact scores: ~0)\n",
                            drift.per_efold.value, drift.per_efold.std_error, drift.s_lo, drift.s_hi);
  if (labels)
    text += format("label entropy        H(Y) = %.4f nats%s\n", out["label_entropy"].get<double>(),
                   out["exceeds_label_entropy"].get<bool>() ? "  (exceeded: biased estimate)" : "");
  return text;
}

}  // namespace

Report run_mi(const MiRequest& a) {
  const auto device = device_from_name(a.device);
  const auto run = load_model(a.model, device, a.data);
  const auto inputs = load_conditional_inputs(run, a.data, a.cond, a.labels, a.measure_on);
  const bool joint = run.config.cond_kind == CondKind::kJoint;
  const auto uncond = load_unconditional(a, run, device, inputs.x_path);
  const auto options = measurement_options(a.options, run.config);
  const auto x = inputs.x.to(device, torch::kFloat32);
  const auto y = on_device(inputs.cond, device);
  const auto& process = *run.process;
  // A model's MI: its own null condition, or the --uncond-run's network, for X alone.
  const auto measure_model = [&](const MeasuredModel& m, const torch::Tensor& x, const torch::Tensor& y) {
    const auto cond_model = m.network;
    const auto uncond_model = uncond ? uncond->network : m.network;
    const ConditionalResidualFn residual = [&](const torch::Tensor& xs, const torch::Tensor& s, const Condition& c) {
      return c.is_null() ? uncond_model->residual(xs, s) : cond_model->residual(xs, s, c);
    };
    return joint ? joint_mutual_information(process, residual, x, y, options) : mutual_information(process, residual, x, y, options);
  };
  const auto measure = [&](const torch::Tensor& x, const torch::Tensor& y) { return measure_model(run, x, y); };
  const auto mi = measure(x, y);
  const auto ensemble = ensemble_values(mi.minde.total.value, load_members(run, device), [&](const MeasuredModel& m) {
    return measure_model(m, x, y).minde.total.value;
  });
  auto measured_on = inputs.selection.to_json();
  std::string memorised;
  if (inputs.in_sample_x.defined()) {  // the same estimate on the pairs trained on: the memorisation check
    const auto in_sample = measure(inputs.in_sample_x.to(device, torch::kFloat32), on_device(inputs.in_sample_cond, device));
    memorised = memorisation_check(measured_on, mi.minde.total_with_rows(), in_sample.minde.total_with_rows(), "MINDE");
    const auto loss = memorisation_check(measured_on, mi.mmse_gap.total_with_rows(), in_sample.mmse_gap.total_with_rows(),
                                         "the MMSE gap", "in_sample_loss_form");
    if (memorised.empty()) memorised = loss;
  }

  std::optional<MutualInformationReference> exact;
  if (!a.exact_spec.empty())
    exact = with_spec(a.exact_spec, [&](const nlohmann::json& spec) {
      return exact_mutual_information(spec, process, x, y, options, joint);
    });

  const auto csv = a.csv.empty() ? run.output_file("mi_rate.csv") : a.csv;
  const bool exact_scores = exact && !exact->curve.minde.curve.empty();
  const auto* exact_curve = exact_scores ? &exact->curve : nullptr;
  const auto* closed_form = exact && !exact->running.empty() ? &exact->running : nullptr;
  const bool writer = a.options.group().leader();  // rank 0 alone writes (docs/distributed.md)
  if (writer) write_mi_csv(csv, mi, exact_curve, closed_form);
  if (writer && !a.plot.empty())
    plot_mutual_information(a.plot, mi, exact_curve, closed_form,
                            std::string(joint ? "joint-diffusion MI (curves: I(X_s; Y_s)), " : "mutual information, ") +
                                process.name() + " process (" + run.name + ")");

  const char* running = joint ? "I(X_s; Y_s)" : "I(X_s; Y)";  // what the curve's ∫_s^T rate is
  Report r;
  auto& out = r.json;
  const auto uncertainty = mi_uncertainty(mi, run, ensemble);
  out = {{"mutual_information", uncertainty.to_json()},
                        {"entropy_difference", to_json(mi.difference.total)},
                        {"mmse_gap", to_json(mi.mmse_gap.total)},
                        {"orthogonality_gap", to_json(mi.orthogonality.total)},
                        {"conditional_entropy_nn", to_json(mi.conditional.total)},
                        {"unconditional_entropy_nn", to_json(mi.unconditional.total)},
                        {"units", "nats"},
                        {run.source_key(), run.name},
                        {"unconditional_network", uncond ? uncond->name : "the model's null condition"},
                        {"step", run.step},
                        {"data", inputs.x_path},
                        {"condition", inputs.cond_path},
                        {"condition_kind", name(run.config.cond_kind)},
                        {"estimator", joint ? "joint diffusion of Z = [X, Y] (MINDE-j); entropy_difference is S(X,Y) - S(X) - S(Y)"
                                            : "conditional model (MINDE-c); entropy_difference is S^X|Y - S^X"},
                        {"curve_running", running},
                        {"rows", x.size(0)},
                        {"measured_on", measured_on},
                        {"process", process.config()},
                        {"settings", mi.minde.settings()},
                        {"training", run.training()},
                        {"curve", csv}};
  if (ensemble.size() > 1) out["ensemble"] = ensemble_json(ensemble);
  if (!a.plot.empty()) out["plot"] = a.plot;
  if (!memorised.empty()) r.warnings.push_back(memorised);
  if (auto w = bias_warning(uncertainty, "I(X;Y) (MINDE, entropy difference, MMSE gap)"); !w.empty())
    r.warnings.push_back(w);
  if (auto w = rows_warning(uncertainty, "MINDE"); !w.empty()) r.warnings.push_back(w);
  const auto drift = check_small_s_drift(r, mi, options.s_min(), running);
  check_orthogonality(r, mi);
  const bool labels = run.config.cond_kind == CondKind::kLabels;
  if (labels) add_label_bounds(r, mi, inputs.cond);
  const auto exact_text = exact ? add_exact(r, *exact, mi, a.exact_spec, exact_scores, uncertainty) : std::string();
  r.text += estimator_lines(mi, joint, process.name(), run.step);
  r.text += check_lines(out, drift, labels);
  r.text += uncertainty_line("95 % interval        ", uncertainty);
  r.text += ensemble_line("ensemble             ", ensemble);
  r.text += exact_text;
  r.text += rows_line("rows                 ", inputs.selection, measured_on);
  r.text += format("curve                %s%s%s\n", csv.c_str(), a.plot.empty() ? "" : ", plot ", a.plot.c_str());
  return r;
}

}  // namespace diffinfo::app
