#include "diffinfo/app/label_entropy.h"

#include "diffinfo/analytic/mixture.h"
#include "diffinfo/app/measurement.h"
#include "diffinfo/measure/mutual_information.h"
#include "diffinfo/random.h"
#include "diffinfo/report/label_posterior.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace diffinfo::app {
namespace {

nlohmann::json windows_json(const std::vector<DecisionWindow>& windows) {
  auto out = nlohmann::json::array();
  for (const auto& w : windows) out.push_back({{"s", w.s}, {"width", w.width}, {"rate", w.rate}, {"information", w.information}});
  return out;
}

std::vector<double> values(const std::vector<Estimate>& estimates) {
  std::vector<double> out;
  for (const auto& e : estimates) out.push_back(e.value);
  return out;
}

// The index where two curves on one grid differ most.
size_t largest_gap(const std::vector<double>& a, const std::vector<double>& b) {
  size_t worst = 0;
  for (size_t k = 0; k < a.size(); ++k)
    if (std::abs(a[k] - b[k]) > std::abs(a[worst] - b[worst])) worst = k;
  return worst;
}

// I(X_s; C) = ∫_s^T rate of a MINDE profile at each time of `grid`, linear between stratum starts.
std::vector<double> running_on(const EntropyProfile& minde, const std::vector<double>& grid) {
  std::vector<double> s, above;
  for (size_t j = 0; j < minde.curve.size(); ++j) s.push_back(minde.curve[j].s_lo), above.push_back(minde.above(j).value);
  s.push_back(minde.t_max), above.push_back(0.0);
  std::vector<double> out;
  for (double t : grid) {
    const auto hi = std::upper_bound(s.begin(), s.end(), t);
    if (hi == s.begin()) out.push_back(above.front());
    else if (hi == s.end()) out.push_back(above.back());
    else {
      const size_t j = static_cast<size_t>(hi - s.begin());
      const double f = (t - s[j - 1]) / (s[j] - s[j - 1]);
      out.push_back(above[j - 1] + f * (above[j] - above[j - 1]));
    }
  }
  return out;
}

// The mixture's exact H(C | X_s) by forward diffusion of 20000 draws (refs.forward, its rate), its decision
// windows, and where the network's curve parts most from it.
nlohmann::json exact_reference(const GaussianMixture& law, const ForwardProcess& process, const PosteriorProfile& profile,
                               const std::vector<DecisionWindow>& windows, const std::string& spec, uint64_t seed,
                               LabelReferences& refs) {
  auto gen = make_generator(derive_seed(seed, 7));
  refs.forward = law.conditional_label_entropy(process, profile.s, 20000, gen);
  const auto entropy = values(profile.entropy), h = values(refs.forward);
  refs.forward_rate = curve_rate(profile.s, h, profile.rate_window);
  const auto exact_windows = decision_windows(profile.s, refs.forward_rate);
  const size_t k = largest_gap(entropy, h);
  nlohmann::json j = {{"source", spec},
                      {"method", "exact posterior of the mixture: on the same trajectory points, and forward diffusion of 20000 draws"},
                      {"decision_windows", windows_json(exact_windows)},
                      {"max_abs_difference", std::abs(entropy[k] - h[k])},
                      {"max_abs_difference_at", profile.s[k]},
                      {"max_abs_difference_stderr", std::hypot(profile.entropy[k].std_error, refs.forward[k].std_error)},
                      {"conditional_entropy_final", to_json(refs.forward.back())}};
  if (!windows.empty() && !exact_windows.empty()) j["peak_offset"] = windows[0].s - exact_windows[0].s;
  return j;
}

// MINDE's running I(X_s; C) on the posterior's grid (refs.minde) and where H(C) − H(C | X_s) parts most from it.
nlohmann::json minde_reference(const MeasuredModel& run, const ConditionalInputs& pairs, const PosteriorProfile& profile,
                               const torch::Device& device, LabelReferences& refs) {
  const auto mi = mutual_information(*run.process, run.conditional_residual(), pairs.x.to(device, torch::kFloat32),
                                     pairs.cond.to(device), measurement_options(EntropyOptions().batch_size(0), run.config));
  refs.minde = running_on(mi.minde, profile.s);
  std::vector<double> information;
  for (double h : values(profile.entropy)) information.push_back(profile.label_entropy - h);
  const size_t k = largest_gap(information, refs.minde);
  const double gap = std::abs(information[k] - refs.minde[k]);
  return {{"mutual_information", to_json(mi.minde.total)},
          {"max_abs_gap", gap},
          {"max_abs_gap_at", profile.s[k]},
          {"max_abs_gap_fraction_of_label_entropy", gap / profile.label_entropy},
          {"data", pairs.x_path},
          {"measured_on", measured_on_without_check(pairs.selection, "not computed for label-entropy")}};
}

// The label MI's headline, MINDE by posterior, with the other estimators of I(X_0; C) on the same paths
// (docs/uncertainty.md); `on_rows`: the paths start from data rows, whose sampling error is not separated.
Uncertainty label_mi_uncertainty(const PosteriorProfile& profile, const MeasuredModel& run, bool on_rows,
                                 const std::vector<double>& ensemble) {
  Uncertainty u(profile.posterior_information.back(), "posterior_minde");
  u.add_random("monte_carlo", profile.posterior_information.back().std_error);
  if (!profile.minde_information.empty()) u.add_estimator("minde_on_paths", profile.minde_information.back().value);
  if (!profile.mmse_gap_information.empty())
    u.add_estimator("mmse_gap_on_paths", profile.mmse_gap_information.back().value)
        .add_estimator("posterior_mmse_gap", profile.posterior_mmse_gap.back().value);
  if (on_rows)
    u.add_missing("measured_rows", "the paths start from data rows: their sampling error is not separated from the "
                                   "Monte Carlo error");
  add_ensemble(u, run, ensemble);
  return u;
}

// The mixture at `spec_path` whose exact posterior is the reference, checked against a run of `classes`
// classes in `dim` dimensions.
GaussianMixture exact_law(const std::string& spec_path, int64_t classes, int64_t dim) {
  auto law = with_spec(spec_path, [](const nlohmann::json& spec) {
    if (spec.value("type", "") != "mixture")
      throw std::runtime_error("label-entropy's exact curves need a mixture spec ('diffinfo data mixture')");
    return GaussianMixture::from_spec(spec);
  });
  if (law.components() != classes || law.dim() != dim)
    throw std::runtime_error(spec_path + ": the mixture has " + std::to_string(law.components()) + " components in " +
                             std::to_string(law.dim()) + "-D, the run " + std::to_string(classes) + " classes in " +
                             std::to_string(dim) + "-D");
  return law;
}

// With the paths' labels: the lower bound H(C) − CE, at the end and where tightest, and the accuracy.
void add_labelled(nlohmann::json& out, const PosteriorProfile& profile) {
  const auto& ce = profile.cross_entropy.back();
  out["minde_on_paths"] = to_json(profile.minde_information.back());
  out["cross_entropy_final"] = to_json(ce);
  out["information_lower_bound"] = to_json(Estimate{profile.label_entropy - ce.value, ce.std_error});
  // The bound holds at every s (I(X_0; C) ≥ I(X_s; C) ≥ H(C) − CE(s)); where the posterior is best
  // calibrated it is tightest. Picked on the same paths: optimistic by about a stderr at most.
  const auto best = std::min_element(profile.cross_entropy.begin(), profile.cross_entropy.end(),
                                     [](const Estimate& a, const Estimate& b) { return a.value < b.value; });
  out["information_lower_bound_best"] = to_json(Estimate{profile.label_entropy - best->value, best->std_error});
  out["information_lower_bound_best"]["s"] = profile.s[static_cast<size_t>(best - profile.cross_entropy.begin())];
  out["accuracy_final"] = to_json(profile.accuracy.back());
}

// The decision windows of each pair of classes.
nlohmann::json pairs_json(const PosteriorProfile& profile, int64_t classes) {
  nlohmann::json pairs = nlohmann::json::array();
  const auto index = torch::triu_indices(classes, classes, 1);
  for (int64_t j = 0; j < index.size(1); ++j) {
    const auto h = profile.pairs.select(1, j).contiguous();
    std::vector<double> hv(h.data_ptr<double>(), h.data_ptr<double>() + h.numel());
    pairs.push_back({{"classes", {index[0][j].item<int64_t>(), index[1][j].item<int64_t>()}},
                     {"decision_windows", windows_json(decision_windows(profile.s, curve_rate(profile.s, hv, profile.rate_window)))}});
  }
  return pairs;
}

// The text lines of the posterior at the end of the paths: H(C|X_s), the bounds with the labels, MINDE.
std::string posterior_lines(const PosteriorProfile& profile, const nlohmann::json& out) {
  const bool labelled = !profile.cross_entropy.empty();
  std::string text = format("final, s = %-10g H(C|X_s) = %.4f ± %.4f nats, I(X_s;C) = %.4f\n", profile.s.back(),
                            profile.entropy.back().value, profile.entropy.back().std_error,
                            profile.information(profile.s.size() - 1).value);
  if (labelled) {
    text += format("with the labels      I >= H(C) - CE = %.4f ± %.4f nats (CE %.4f, accuracy %.4f ± %.4f)\n",
                   out["information_lower_bound"]["value"].get<double>(), profile.cross_entropy.back().std_error,
                   profile.cross_entropy.back().value, profile.accuracy.back().value, profile.accuracy.back().std_error);
    text += format("tightest on the grid I >= %.4f ± %.4f nats at s = %.4g\n", out["information_lower_bound_best"]["value"].get<double>(),
                   out["information_lower_bound_best"]["stderr"].get<double>(), out["information_lower_bound_best"]["s"].get<double>());
  }
  text += format("MINDE by posterior   I = %.4f ± %.4f nats; null score's gap %.4f ± %.4f", profile.posterior_information.back().value,
                 profile.posterior_information.back().std_error, profile.null_gap.back().value, profile.null_gap.back().std_error);
  if (labelled)
    text += format("; MINDE on these paths %.4f ± %.4f", profile.minde_information.back().value,
                   profile.minde_information.back().std_error);
  return text + "\n";
}

// The text lines of the exact reference and of MINDE on data, when given.
std::string reference_lines(const nlohmann::json& exact_json, const nlohmann::json& minde_json) {
  std::string text;
  if (!exact_json.is_null()) {
    text += format("exact (forward)      max |H - H_exact| = %.4f nats at s = %.4g (stderr %.4f)", exact_json["max_abs_difference"].get<double>(),
                   exact_json["max_abs_difference_at"].get<double>(), exact_json["max_abs_difference_stderr"].get<double>());
    if (exact_json.contains("peak_offset"))
      text += format(", exact window at s = %.4f (offset %+.4f)", exact_json["decision_windows"][0]["s"].get<double>(),
                     exact_json["peak_offset"].get<double>());
    text += "\n";
  }
  if (!minde_json.is_null())
    text += format("MINDE                I(X;C) = %.4f nats; max |I_posterior(s) - I_MINDE(s)| = %.4f (%.1f %% of H(C)) at s = %.4g\n",
                   minde_json["mutual_information"]["value"].get<double>(), minde_json["max_abs_gap"].get<double>(),
                   100.0 * minde_json["max_abs_gap_fraction_of_label_entropy"].get<double>(), minde_json["max_abs_gap_at"].get<double>());
  return text;
}

// Each label-MI estimate in the report above H(C), which bounds it: flagged in the JSON and as a warning.
void flag_label_bounds(Report& r, const torch::Tensor& labels, double label_entropy) {
  auto& out = r.json;
  for (const char* key : {"posterior_minde", "minde_on_paths", "mmse_gap_on_paths", "posterior_mmse_gap"})
    if (out.contains(key) &&
        check_label_bound({out[key]["value"].get<double>(), out[key]["stderr"].get<double>()}, labels).exceeds) {
      out[std::string(key) + "_exceeds_label_entropy"] = true;
      r.warnings.push_back(format("warning: %s = %.4f nats exceeds H(C) = %.4f nats: the estimate is biased", key,
                                  out[key]["value"].get<double>(), label_entropy));
    }
}

// The text lines of the MMSE gaps on the paths and of the decision windows.
std::string path_lines(const PosteriorProfile& profile, const std::vector<DecisionWindow>& windows) {
  std::string text;
  if (!profile.mmse_gap_information.empty())
    text += format("MMSE gap on paths    by posterior %.4f ± %.4f nats; with the null score %.4f ± %.4f\n",
                   profile.posterior_mmse_gap.back().value, profile.posterior_mmse_gap.back().std_error,
                   profile.mmse_gap_information.back().value, profile.mmse_gap_information.back().std_error);
  for (const auto& w : windows)
    text += format("decision window      s = %.4f, width %.4f, dH/ds = %.3f nats per unit s\n", w.s, w.width, w.rate);
  return text;
}

}  // namespace

Report run_label_entropy(const LabelEntropyRequest& a) {
  const auto device = device_from_name(a.device);
  const auto run = load_model(a.model, device, a.data);
  if (run.config.cond_kind != CondKind::kLabels)
    throw std::runtime_error(run.name + ": label-entropy needs a class-conditional run (train --labels L.npy)");
  // On data, the paths' rows and labels; the prior P(C) is their label frequencies either way.
  std::optional<ConditionalInputs> rows;
  if (a.from_data) rows = load_conditional_inputs(run, a.data, "", a.labels, a.measure_on);
  const auto labels = rows ? rows->cond : load_condition(run, "", a.labels);
  const auto labels_path = rows ? rows->cond_path : a.labels.empty() ? run.config.cond_path : a.labels;
  const int64_t classes = run.config.model.classes();
  const auto prior = class_prior(labels, classes, labels_path);
  const auto& process = *run.process;
  const auto score = run.conditional_score();

  std::optional<GaussianMixture> law;
  if (!a.exact_spec.empty()) law = exact_law(a.exact_spec, classes, run.config.model.dim());
  LogPosteriorFn exact;
  if (law) exact = [&](const torch::Tensor& x, const torch::Tensor& s) { return law->log_posterior(process, x, s); };
  auto options = a.options;
  options.batch_size(posterior_batch(a.eval_batch, run.config));
  const auto posterior = [&](const ConditionalScoreFn& score, const LogPosteriorFn& exact) {
    return rows ? label_posterior_on_data(process, score, prior, rows->x, rows->cond, options, device, exact)
                : label_posterior(process, score, prior, run.config.model.dim(), options, device, exact);
  };
  const auto profile = posterior(score, exact);
  // The ensemble's members (train --ensemble) on the same rows and draws: MINDE by posterior of each.
  const auto ensemble = ensemble_values(profile.posterior_information.back().value, load_members(run, device),
                                        [&](const MeasuredModel& m) {
                                          return posterior(m.conditional_score(), {}).posterior_information.back().value;
                                        });
  const bool labelled = !profile.cross_entropy.empty();
  const auto entropy = values(profile.entropy);
  const auto windows = decision_windows(profile.s, values(profile.rate));

  LabelReferences refs;
  nlohmann::json exact_json, minde_json;
  if (law) exact_json = exact_reference(*law, process, profile, windows, a.exact_spec, a.options.seed(), refs);
  if (a.minde) {
    // On data the paths' rows serve; otherwise the run's (or --data's) rows, one per label.
    const auto pairs = rows ? *rows : load_conditional_inputs(run, a.data, "", a.labels, a.measure_on);
    minde_json = minde_reference(run, pairs, profile, device, refs);
  }

  const auto csv = a.csv.empty() ? run.output_file("label_entropy.csv") : a.csv;
  const bool writer = a.options.group().leader();  // rank 0 alone writes (docs/distributed.md)
  if (writer) write_label_entropy_csv(csv, profile, refs, a.pairs);
  if (writer && !a.plot.empty())
    plot_label_entropy(a.plot, profile, refs,
                       std::string(rows ? "label posterior along data paths, " : "label posterior along generation, ") + process.name() + " (" + run.name + ")");

  Report r;
  auto& out = r.json;
  out = {{"label_entropy", profile.label_entropy},
                        {"conditional_entropy_final", to_json(profile.entropy.back())},
                        {"information_final", to_json(profile.information(profile.s.size() - 1))},
                        {"decision_windows", windows_json(windows)},
                        {"units", "nats"},
                        {run.source_key(), run.name},
                        {"step", run.step},
                        {"labels", labels_path},
                        {"classes", classes},
                        {"prior", std::vector<double>(prior.data_ptr<double>(), prior.data_ptr<double>() + classes)},
                        {"process", process.config()},
                        {"settings", to_json(options)},
                        {"paths", rows ? "forward diffusion of " + rows->x_path + ", read back from T" : std::string("generated")},
                        {"posterior_minde", to_json(profile.posterior_information.back())},
                        {"null_gap", to_json(profile.null_gap.back())},
                        {"rate_window", profile.rate_window},
                        {"curve", csv}};
  auto uncertainty = label_mi_uncertainty(profile, run, rows.has_value(), ensemble);
  if (a.minde) uncertainty.add_estimator("minde", minde_json["mutual_information"]["value"].get<double>());
  out["label_mutual_information"] = uncertainty.to_json();
  if (ensemble.size() > 1) out["ensemble"] = ensemble_json(ensemble);
  if (auto w = bias_warning(uncertainty, "I(X_0; C) (MINDE and MMSE gap, by posterior and on paths)"); !w.empty())
    r.warnings.push_back(w);
  if (rows) out["measured_on"] = measured_on_without_check(rows->selection, "not computed for label-entropy");
  if (!a.plot.empty()) out["plot"] = a.plot;
  if (rows) out["settings"].erase("generate");  // the paths are the data's, not drawn by any score
  if (labelled) add_labelled(out, profile);
  if (!profile.mmse_gap_information.empty()) {
    out["mmse_gap_on_paths"] = to_json(profile.mmse_gap_information.back());
    out["posterior_mmse_gap"] = to_json(profile.posterior_mmse_gap.back());
  }
  flag_label_bounds(r, labels, profile.label_entropy);
  if (a.pairs) out["pairs"] = pairs_json(profile, classes);
  if (law) out["exact"] = exact_json;
  if (a.minde) out["minde"] = minde_json;
  r.text += format("label entropy        H(C) = %.4f nats  (%lld classes, %s)\n", profile.label_entropy,
              static_cast<long long>(classes), labels_path.c_str());
  r.text += posterior_lines(profile, out);
  r.text += uncertainty_line("95 % interval        ", uncertainty);
  r.text += ensemble_line("ensemble             ", ensemble);
  r.text += path_lines(profile, windows);
  r.text += reference_lines(exact_json, minde_json);
  r.text += format("curve                %s%s%s\n", csv.c_str(), a.plot.empty() ? "" : ", plot ", a.plot.c_str());
  return r;
}

}  // namespace diffinfo::app
