#pragma once
// The MI rate curves of `diffinfo mi`: MINDE, the entropy difference and the MMSE gap with their
// running integrals I(X_s; Y) = ∫_s^T rate, the two neural entropies behind them, and the references.
//
//   diffinfo::write_mi_csv("run/mi_rate.csv", mi, &exact.curve, &exact.running);
#include "diffinfo/measure/mutual_information.h"
#include "diffinfo/report/table.h"

#include <string>
#include <vector>

namespace diffinfo {

/// Columns s_lo,s_hi,s, then rate, rate stderr, ∫_{s_lo}^T and its stderr for MINDE ("mi_") and
/// the entropy difference ("difference_"), the same for exact scores ("exact_mi_") and the closed-form
/// I(X_s; Y) at s_lo when given; then the rates of S^{X|Y} ("cond_entropy_") and S^X
/// ("uncond_entropy_"), with exact scores their exact rates, and the MMSE gap ("mmse_gap_").
Table mi_table(const MutualInformationProfile& mi, const MutualInformationProfile* exact,
               const std::vector<double>* closed_form);
void write_mi_csv(const std::string& path, const MutualInformationProfile& mi, const MutualInformationProfile* exact,
                  const std::vector<double>* closed_form);

/// MI rate and I(X_s; Y) = ∫_s^T rate by the three estimators, the rates of S^{X|Y} and S^X over s,
/// references dashed.
void plot_mutual_information(const std::string& path, const MutualInformationProfile& mi,
                             const MutualInformationProfile* exact, const std::vector<double>* closed_form,
                             const std::string& title);

}  // namespace diffinfo
