#include "diffinfo/measure/uncertainty.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace diffinfo {

Uncertainty::Uncertainty(Estimate headline, std::string name) : headline_(headline), name_(std::move(name)) {
  estimators_.emplace_back(name_, headline_.value);
}

Uncertainty& Uncertainty::add_random(const std::string& source, double std_error) {
  random_.emplace_back(source, std::isfinite(std_error) ? std::abs(std_error) : 0.0);
  return *this;
}

Uncertainty& Uncertainty::add_estimator(const std::string& name, double value, double difference_stderr) {
  if (!std::isfinite(value)) return *this;
  estimators_.emplace_back(name, value);
  if (std::isfinite(difference_stderr) && difference_stderr > 0)
    difference_z_.emplace_back(name, (value - headline_.value) / difference_stderr);
  return *this;
}

double Uncertainty::largest_difference_z() const {
  double z = 0;
  for (const auto& [name, d] : difference_z_) z = std::max(z, std::abs(d));
  return z;
}

Uncertainty& Uncertainty::add_missing(const std::string& source, const std::string& why) {
  missing_.emplace_back(source, why);
  return *this;
}

double Uncertainty::random_stderr() const {
  double var = 0;
  for (const auto& [source, se] : random_) var += se * se;
  return std::sqrt(var);
}

std::array<double, 2> Uncertainty::estimator_span() const {
  auto [lo, hi] = std::minmax_element(estimators_.begin(), estimators_.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
  return {lo->second, hi->second};
}

std::array<double, 2> Uncertainty::interval_95() const {
  const auto span = estimator_span();
  const double half = kZ95 * random_stderr();
  return {span[0] - half, span[1] + half};
}

double Uncertainty::total_stderr() const {
  const auto i = interval_95();
  return (i[1] - i[0]) / (2.0 * kZ95);
}

double Uncertainty::bias_share() const {
  const auto span = estimator_span();
  const double half = kZ95 * random_stderr();
  return half > 0 ? (span[1] - span[0]) / half : (span[1] > span[0] ? INFINITY : 0.0);
}

nlohmann::json Uncertainty::to_json() const {
  auto out = diffinfo::to_json(headline_);
  out["total_stderr"] = total_stderr();
  const auto i = interval_95();
  out["interval_95"] = {i[0], i[1]};
  out["uncertainty_method"] =
      "95 % interval: the span of the estimators in components.estimator_span (their biases from the network's "
      "error differ in kind) widened on each side by 1.96 times the random sources in quadrature; total_stderr is "
      "its half-width / 1.96 (docs/uncertainty.md)";
  nlohmann::json components = nlohmann::json::object();
  for (const auto& [source, se] : random_) components[source] = se;
  nlohmann::json estimators = nlohmann::json::object();
  for (const auto& [name, value] : estimators_) estimators[name] = value;
  const auto span = estimator_span();
  components["estimator_span"] = {{"width", span[1] - span[0]}, {"estimators", estimators}};
  if (!difference_z_.empty()) {
    nlohmann::json z = nlohmann::json::object();
    for (const auto& [name, d] : difference_z_) z[name] = d;
    components["estimator_span"]["difference_z"] = z;  // (estimator − headline) / its paired random error
  }
  for (const auto& [source, why] : missing_) components[source] = {{"missing", why}};
  out["components"] = components;
  return out;
}

std::string Uncertainty::interval_text(int digits) const {
  const auto i = interval_95();
  char buf[96];
  std::snprintf(buf, sizeof buf, "[%.*f, %.*f]", digits, i[0], digits, i[1]);
  return buf;
}

}  // namespace diffinfo
