#pragma once
// `diffinfo nll`: the model's NLL by the probability-flow ODE, the upper bounds beside it (denoising
// bound; DDPM ELBO for VP) and the thermodynamic lower bound, in one table (docs/math.md §7, §8), with
// bits/dim whose dequantisation offset is explicit and, for a known law, the paired excess over −ln p_d.
#include "diffinfo/app/inputs.h"
#include "diffinfo/app/report.h"
#include "diffinfo/measure/likelihood.h"
#include "diffinfo/measure/neural_entropy.h"

#include <string>
#include <vector>

namespace diffinfo::app {

struct NllRequest {
  ModelSource model;                ///< an unconditional run
  std::string data;                 ///< empty: the run's own rows of `measure_on`
  RowSet measure_on = RowSet::kAuto;  ///< which of the run's own rows are measured (docs/held_out.md)
  std::string exact;                ///< the data's law (spec JSON) for S0 and the paired excess; empty: k-NN S0
  std::string csv;                  ///< per-sample values; empty: RUN/nll.csv
  std::string device = "cpu";
  int64_t rows = 1000;              ///< the first rows integrated (0: all)
  int64_t ddpm_steps = 1000;        ///< the DDPM ELBO's steps (0: skip)
  int64_t levels = 0;               ///< quantised data: values per coordinate (0: from the image spec, if any)
  std::vector<double> range;        ///< quantised data: LOW HIGH
  bool dequantize = false;          ///< add uniform noise over each value's bin first
  LikelihoodOptions likelihood;     ///< solver settings (s_min, seed and divergence are set here)
  std::string divergence = "auto";  ///< auto | exact | hutchinson (with likelihood.divergence()'s probes)
  EntropyOptions options = EntropyOptions().batch_size(0);  ///< the quadrature of the bounds and rates
};

Report run_nll(const NllRequest& request);

}  // namespace diffinfo::app
