#pragma once
// The columns of a rate profile (measure/neural_entropy.h) in a Table, named as every curve CSV names
// them: the strata, each rate with its stderr, running integrals from below (cumulative) and from above.
//
//   auto t = diffinfo::strata_table(profile);               // s_lo, s_hi, s
//   diffinfo::add_rate(t, "mi_", minde);                    // mi_rate, mi_rate_stderr
#include "diffinfo/measure/neural_entropy.h"
#include "diffinfo/report/table.h"

#include <string>

namespace diffinfo {

/// s_lo, s_hi, s of each stratum.
Table strata_table(const EntropyProfile& profile);
/// <prefix>rate, <prefix>rate_stderr.
void add_rate(Table& table, const std::string& prefix, const EntropyProfile& profile);
/// <name>, <name>_stderr: ∫ from s_min to each stratum's end.
void add_cumulative(Table& table, const std::string& name, const EntropyProfile& profile);
/// <prefix>above, <prefix>above_stderr: ∫ from each stratum's start to T.
void add_above(Table& table, const std::string& prefix, const EntropyProfile& profile);

}  // namespace diffinfo
