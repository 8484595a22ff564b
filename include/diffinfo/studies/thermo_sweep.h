#pragma once
// The thermodynamic-limits study (Thermodynamic limits, Fig. 1) in one call: Gaussian and uniform data,
// VE and VP processes, the noise parameter (VE σ_max, VP β_max) over a list; one model each, then the NLL,
// the thermodynamic bound and the gap in a table, and the figure of NLL against the bound with the three
// rates of the best uniform-VE model. Runs that exist are resumed, finished ones only measured. The law
// is known, so the NLL in the table is S0 plus the paired excess over −ln p_d: its stderr is the model's.
#include "diffinfo/app/report.h"
#include "diffinfo/measure/divergence.h"
#include "diffinfo/measure/neural_entropy.h"

#include <string>
#include <vector>

namespace diffinfo::studies {

struct ThermoSweepRequest {
  std::string out = "thermo_sweep", device = "cpu";
  std::vector<std::string> data = {"gaussian", "uniform"}, processes = {"ve", "vp"};
  std::vector<double> noise = {10, 20, 30};
  int64_t dim = 2, rows = 10000, eval_rows = 500, steps = 5000;
  std::string divergence = "auto";  ///< auto | exact | hutchinson
  DivergenceOptions probes;
  EntropyOptions options = EntropyOptions().points(50).samples_per_point(1024).batch_size(0);
};

/// The known data kinds and processes of the sweep.
std::vector<std::string> thermo_sweep_data_names();
std::vector<std::string> thermo_sweep_process_names();

/// Each model's row goes to progress.line as it is known.
app::Report run_thermo_sweep(const ThermoSweepRequest& request, const app::Progress& progress);

}  // namespace diffinfo::studies
