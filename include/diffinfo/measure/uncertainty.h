#pragma once
// The uncertainty of a headline estimate from every error source diffinfo knows (docs/uncertainty.md):
// random errors as standard errors, combined in quadrature, and the network's error as the spread of
// estimators of the same quantity whose biases differ in kind — S_NN (first order in the network's
// error) against its denoising form (second order, below the truth), MINDE against the MMSE gap and the
// entropy difference. The 95 % interval spans every estimator and widens that span by 1.96 random
// standard errors on each side; `total_stderr` is its half-width over 1.96. Sources not measured are
// listed as missing, never counted as zero.
//
//   Uncertainty u{mi.minde.total};
//   u.add_random("monte_carlo", mi.minde.total.std_error);
//   u.add_estimator("mmse_gap", mi.mmse_gap.total.value);
//   u.add_missing("ensemble", "one network: ...");
//   out["mutual_information"] = u.to_json();   // value, stderr, total_stderr, interval_95, components
#include "diffinfo/estimate.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace diffinfo {

class Uncertainty {
 public:
  /// The headline estimate; its stderr stays the Monte Carlo error of the measurement alone.
  explicit Uncertainty(Estimate headline, std::string name = "headline");
  /// A random error source (a standard error, nats), e.g. "monte_carlo", "measured_rows", "ensemble".
  Uncertainty& add_random(const std::string& source, double std_error);
  /// Another estimator of the same quantity on the same draws, with the random error of its difference from
  /// the headline (paired draws, rows' sampling included; NaN: unknown). The span of all of them shows the bias.
  Uncertainty& add_estimator(const std::string& name, double value, double difference_stderr = NAN);
  /// A source not measured, and why.
  Uncertainty& add_missing(const std::string& source, const std::string& why);

  const Estimate& headline() const { return headline_; }
  const std::vector<std::pair<std::string, double>>& random_sources() const { return random_; }
  const std::vector<std::pair<std::string, std::string>>& missing_sources() const { return missing_; }
  /// √Σ of the random sources' squares.
  double random_stderr() const;
  /// [lowest, highest] estimator value.
  std::array<double, 2> estimator_span() const;
  /// The span widened by 1.96 random_stderr on each side.
  std::array<double, 2> interval_95() const;
  /// Half the interval's width over 1.96, nats.
  double total_stderr() const;
  /// The span's width over the random half-width: above 1 the network's error dominates the interval.
  double bias_share() const;
  /// The largest |estimator − headline| / its difference stderr over the other estimators (0 when none is known):
  /// above 3 the estimators part by more than their random errors explain.
  double largest_difference_z() const;
  /// {"value", "stderr", "total_stderr", "interval_95", "uncertainty_method", "components"}.
  nlohmann::json to_json() const;
  /// "[low, high]" with `digits` decimals.
  std::string interval_text(int digits = 4) const;

 private:
  Estimate headline_;
  std::string name_;
  std::vector<std::pair<std::string, double>> random_;
  std::vector<std::pair<std::string, double>> estimators_;
  std::vector<std::pair<std::string, double>> difference_z_;
  std::vector<std::pair<std::string, std::string>> missing_;
};

/// z of a two-sided 95 % normal interval.
inline constexpr double kZ95 = 1.959963984540054;

}  // namespace diffinfo
