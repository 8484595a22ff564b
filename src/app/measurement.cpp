#include "diffinfo/app/measurement.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/app/report.h"
#include "diffinfo/info/knn_entropy.h"
#include "diffinfo/model/network.h"
#include "diffinfo/train/ensemble.h"

#include <algorithm>
#include <cmath>

namespace diffinfo::app {

EntropyOptions measurement_options(EntropyOptions options, const RunConfig& config) {
  if (options.batch_size() <= 0) options.batch_size(image_network(config.model) ? kUNetBatch : EntropyOptions().batch_size());
  return options.time_sampling(config.objective.time_sampling()).s_min(config.objective.s_min());
}

int64_t posterior_batch(int64_t requested, const RunConfig& config) {
  return requested > 0 ? requested : image_network(config.model) ? kUNetBatch : kPosteriorBatch;
}

DivergenceOptions resolve_divergence(const std::string& method, DivergenceOptions options, int64_t dim) {
  return options.method(method == "auto" ? (dim <= kExactDivergenceMaxDim ? "exact" : "hutchinson") : method);
}

std::string memorisation_check(nlohmann::json& measured_on, const Estimate& held_out, const Estimate& in_sample,
                               const std::string& what, const std::string& key) {
  const double se = std::hypot(held_out.std_error, in_sample.std_error);
  const double z = se > 0 ? (in_sample.value - held_out.value) / se : 0.0;
  measured_on[key] = to_json(in_sample);
  if (key != "in_sample") measured_on[key]["of"] = what;
  measured_on[key + "_z"] = z;
  if (std::abs(z) <= kMemorisationZ ||
      std::abs(in_sample.value - held_out.value) <= kMemorisationFraction * std::abs(held_out.value))
    return {};
  return format("diffinfo: warning: %s reads %.4g on the rows trained on and %.4g on the held-out rows (%+.1f combined "
                "stderr): the network answers differently on rows it has seen, and what it memorised would be read as "
                "information; the held-out value is the one reported (docs/held_out.md)",
                what.c_str(), in_sample.value, held_out.value, z);
}

nlohmann::json measured_on_without_check(const RowSelection& selection, const std::string& why) {
  auto j = selection.to_json();
  if (selection.in_sample.defined()) j["in_sample"] = "not measured: " + why;
  return j;
}

std::string rows_line(const std::string& label, const RowSelection& s, const nlohmann::json& measured_on) {
  std::string line = label + std::to_string(s.count) + (s.set == "all" || s.set == "file" ? " (all) of " : " " + s.set + " of ") +
                     std::to_string(s.of);
  if (measured_on.contains("in_sample") && measured_on.at("in_sample").is_object()) {
    const auto& in = measured_on.at("in_sample");
    line += format("  (in-sample %.4f ± %.4f, %+.1f stderr: the memorisation check)", in.at("value").get<double>(),
                   in.at("stderr").get<double>(), measured_on.at("in_sample_z").get<double>());
  }
  if (!s.note.empty()) line += "\n" + std::string(label.size(), ' ') + s.note;
  return line + "\n";
}

std::vector<MeasuredModel> load_members(const MeasuredModel& run, const torch::Device& device) {
  std::vector<MeasuredModel> members;
  if (run.card) return members;
  for (const auto& dir : ensemble_members(run.name)) {
    auto m = load_run(dir, device);
    members.push_back({dir, std::move(m.config), m.step, std::move(m.process), std::move(m.model), std::nullopt});
  }
  return members;
}

std::vector<double> ensemble_values(double own, const std::vector<MeasuredModel>& members,
                                    const std::function<double(const MeasuredModel&)>& measure) {
  std::vector<double> values{own};
  for (const auto& m : members) values.push_back(measure(m));
  return values;
}

namespace {

double mean_of(const std::vector<double>& v) {
  double mean = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  return mean;
}

double standard_deviation(const std::vector<double>& v) {
  const double mean = mean_of(v);
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

}  // namespace

nlohmann::json ensemble_json(const std::vector<double>& values) {
  return {{"members", values.size()}, {"values", values}, {"mean", mean_of(values)}, {"sd", standard_deviation(values)},
          {"method", "each network measured on the same rows and draws; sd over the networks, each trained on a "
                     "bootstrap resample of the rows trained on with its own seed (docs/uncertainty.md)"}};
}

std::string ensemble_line(const std::string& label, const std::vector<double>& values) {
  if (values.size() < 2) return {};
  std::string line = label + format("%zu networks: mean %.4f, sd %.4f (the run's first:", values.size(), mean_of(values),
                                    standard_deviation(values));
  for (size_t k = 0; k < values.size(); ++k) line += format(" %.4f", values[k]);
  return line + ")\n";
}

void add_ensemble(Uncertainty& u, const MeasuredModel& model, const std::vector<double>& ensemble) {
  if (ensemble.size() > 1) {
    u.add_random("ensemble", standard_deviation(ensemble));
    return;
  }
  u.add_missing("ensemble", model.card ? "a model trained elsewhere: the spread over retrained networks (its data "
                                         "sample and seed) cannot be measured here"
                                       : "one network: the spread over networks retrained on other samples of the "
                                         "law with other seeds is not measured (train --ensemble K measures it)");
}

Uncertainty single_network_uncertainty(const EntropyProfile& headline, const MeasuredModel& model,
                                       const std::string& name, const std::vector<double>& ensemble) {
  Uncertainty u(headline.total, name);
  u.add_random("monte_carlo", headline.total.std_error).add_random("measured_rows", headline.rows_stderr);
  add_ensemble(u, model, ensemble);
  return u;
}

std::string bias_warning(const Uncertainty& u, const std::string& what) {
  const auto span = u.estimator_span();
  const double width = span[1] - span[0], value = u.headline().value;
  const double z = u.largest_difference_z();
  if ((z > 0 ? z <= kBiasWarnZ : u.bias_share() <= 1.0) || width <= kBiasWarnFraction * std::abs(value)) return {};
  return format("diffinfo: warning: the estimators of %s part by %.4g nats (%.1f %% of the value, %.1f times the "
                "random 95 %% half-width): the network's error is this large, and the 95 %% interval %s spans them "
                "(docs/uncertainty.md)",
                what.c_str(), width, value != 0 ? 100.0 * width / std::abs(value) : 0.0, u.bias_share(),
                u.interval_text().c_str());
}

std::string rows_warning(const Uncertainty& u, const std::string& what) {
  const double value = u.headline().value;
  for (const auto& [source, se] : u.random_sources())
    if (source == "measured_rows" && se > kRowsWarnFraction * std::abs(value) && se > kRowsWarnNats)
      return format("diffinfo: warning: the measured rows' sampling error of %s is %.4g nats, %.0f %% of the value %.4g: a "
                    "few rows carry the estimate (heavy tails, or rows far from those trained on), and its interval "
                    "says little; measure on more rows (--data) or look at the data's tails (docs/uncertainty.md)",
                    what.c_str(), se, 100.0 * se / std::max(std::abs(value), 1e-300), value);
  return {};
}

bool inside(const Uncertainty& u, double truth) {
  const auto i = u.interval_95();
  return i[0] <= truth && truth <= i[1];
}

std::string uncertainty_line(const std::string& label, const Uncertainty& u) {
  const auto spaced = [](std::string name) {
    std::replace(name.begin(), name.end(), '_', ' ');
    return name;
  };
  const auto span = u.estimator_span();
  std::string line = label + u.interval_text() + format(" nats  (total stderr %.4f: ", u.total_stderr());
  for (const auto& [source, se] : u.random_sources()) line += spaced(source) + format(" %.4f, ", se);
  line += format("estimator span %.4f", span[1] - span[0]);
  std::string missing;
  for (const auto& [source, why] : u.missing_sources()) missing += (missing.empty() ? "" : ", ") + spaced(source);
  return line + (missing.empty() ? "" : "; not measured: " + missing) + ")\n";
}

DataEntropy data_entropy_for(const std::string& spec_path, const torch::Tensor& x, uint64_t seed) {
  if (!spec_path.empty())
    return with_spec(spec_path, [&](const nlohmann::json& spec) {
      auto h = data_entropy(spec, x.size(1), seed);
      h.method += " from " + spec_path;
      return h;
    });
  const int64_t n = std::min<int64_t>(x.size(0), 20000);
  return {knn_entropy(x.slice(0, 0, n), 3),
          "k-NN estimate (Kozachenko-Leonenko, k = 3) on " + std::to_string(n) + " data rows; pass --exact SPEC for a known law"};
}

}  // namespace diffinfo::app
