#pragma once
// Reports of measured curves: CSV tables and gnuplot figures (PNG or SVG by extension).
//
//   diffinfo::write_entropy_csv("run/entropy_rate.csv", profile, &exact);
//   diffinfo::plot_entropy("curve.png", profile, &exact, "VP, D = 6");
#include "diffinfo/measure/mutual_information.h"

#include <string>
#include <vector>

namespace diffinfo {

/// Columns s_lo,s_hi,s,rate,rate_stderr,cumulative,cumulative_stderr (+ exact_* when given).
void write_entropy_csv(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact);

/// Rate (log time axis) and running integral; the exact curve dashed beside the neural one.
/// Throws when gnuplot is missing or fails.
void plot_entropy(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact,
                  const std::string& title);

/// Columns s_lo,s_hi,s, then rate, rate stderr, ∫_{s_lo}^T and its stderr for MINDE ("mi_") and
/// the entropy difference ("difference_"), the same for exact scores ("exact_mi_") and the closed-form
/// I(X_s; Y) at s_lo when given; then the rates of S^{X|Y} ("cond_entropy_") and S^X
/// ("uncond_entropy_"), and with exact scores their exact rates.
void write_mi_csv(const std::string& path, const MutualInformationProfile& mi, const MutualInformationProfile* exact,
                  const std::vector<double>* closed_form);

/// MI rate, I(X_s; Y) = ∫_s^T rate and the rates of S^{X|Y} and S^X over s, references dashed.
void plot_mutual_information(const std::string& path, const MutualInformationProfile& mi,
                             const MutualInformationProfile* exact, const std::vector<double>* closed_form,
                             const std::string& title);

}  // namespace diffinfo
