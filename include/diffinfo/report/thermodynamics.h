#pragma once
// The entropy-production rates of generation (Thermodynamic limits; docs/math.md §8) and the NLL
// against the thermodynamic bound over a sweep: CSV tables and figures.
//
//   diffinfo::write_production_csv("run/thermo_rates.csv", production);
#include "diffinfo/estimate.h"
#include "diffinfo/measure/thermodynamics.h"
#include "diffinfo/report/table.h"

#include <string>
#include <vector>

namespace diffinfo {

/// Columns s_lo,s_hi,s, then rate and stderr of intrinsic, exchange and system production in the norm
/// form, the same in the divergence form ("_div"), then σ²/2 E‖s_θ‖² ("score_norm"), −σ²/2 E∇·s_θ
/// ("score_divergence") and their paired difference ("stein").
Table production_table(const EntropyProduction& production);
void write_production_csv(const std::string& path, const EntropyProduction& production);
/// The three rates over s (divergence form solid, norm form dashed) and the Stein check.
void plot_production(const std::string& path, const EntropyProduction& production, const std::string& title);

/// One model of a limits sweep (Thermodynamic limits, Fig. 1): its data, process, noise parameter and numbers.
struct LimitsRow {
  std::string data, process;
  double noise = 0;
  Estimate nll, bound, denoising;
  double data_entropy = 0;
};
/// Columns data,process,noise,nll,nll_stderr,bound,bound_stderr,gap,gap_stderr,denoising_bound,
/// denoising_bound_stderr,data_entropy.
Table limits_table(const std::vector<LimitsRow>& rows);
void write_limits_csv(const std::string& path, const std::vector<LimitsRow>& rows);
/// NLL against the bound for every row (the line NLL = bound dashed), and the three rates of `best`.
void plot_limits(const std::string& path, const std::vector<LimitsRow>& rows, const EntropyProduction& best,
                 const std::string& best_label);

}  // namespace diffinfo
