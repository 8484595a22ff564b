#pragma once
// S_NN against training-set size (Neural Entropy): the table of a sweep with its least-squares line
// on ln N, and the figure with the residuals.
#include "diffinfo/estimate.h"
#include "diffinfo/info/regression.h"
#include "diffinfo/report/table.h"

#include <string>
#include <vector>

namespace diffinfo {

/// Columns n,ln_n,s_nn,s_nn_stderr,fit,residual of a scaling sweep S_NN against ln N.
Table scaling_table(const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn, const LineFit& fit);
void write_scaling_csv(const std::string& path, const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn,
                       const LineFit& fit);
/// S_NN against N (log axis) with the fitted line, and the residuals below.
void plot_scaling(const std::string& path, const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn,
                  const LineFit& fit, const std::string& title);

}  // namespace diffinfo
