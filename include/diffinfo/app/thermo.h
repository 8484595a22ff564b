#pragma once
// `diffinfo thermo`: intrinsic, exchange and system entropy-production rates of generation in the norm
// and the divergence form, the Stein check and the thermodynamic bound on the NLL (Thermodynamic
// limits; docs/math.md §8).
#include "diffinfo/app/inputs.h"
#include "diffinfo/app/report.h"
#include "diffinfo/measure/divergence.h"
#include "diffinfo/measure/neural_entropy.h"

#include <string>

namespace diffinfo::app {

struct ThermoRequest {
  ModelSource model;                ///< an unconditional run
  std::string data, exact;          ///< data (empty: the run's); the data's law for S0 (empty: k-NN)
  RowSet measure_on = RowSet::kAuto;  ///< which of the run's own rows are measured (docs/held_out.md)
  std::string csv, plot;            ///< csv empty: RUN/thermo_rates.csv
  std::string device = "cpu";
  std::string divergence = "auto";  ///< auto | exact | hutchinson
  DivergenceOptions probes;         ///< Hutchinson's probe law and count
  EntropyOptions options = EntropyOptions().batch_size(0);
};

Report run_thermo(const ThermoRequest& request);

}  // namespace diffinfo::app
