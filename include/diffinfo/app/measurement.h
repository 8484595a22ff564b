#pragma once
// The rules that decide how a model is measured when the user does not say: the estimate covers the
// time range and law the model was trained on, the evaluation batch suits its network, the divergence
// is exact where it is cheap, and S0 comes from a known law or else from the data.
//
//   auto options = diffinfo::app::measurement_options(requested, model.config);
#include "diffinfo/app/inputs.h"
#include "diffinfo/estimate.h"
#include "diffinfo/measure/divergence.h"
#include "diffinfo/measure/neural_entropy.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/measure/uncertainty.h"
#include "diffinfo/train/run.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace diffinfo::app {

/// Rows per forward pass of a U-Net on a CPU. Its activations are ~100× an MLP's per row, and 64 rows
/// run 1.7× faster than 256 and 3.5× faster than 1024 (bench: BM_UNetMeasure), as they stay in cache.
/// On a GPU, pass a larger batch.
constexpr int64_t kUNetBatch = 64;
/// Paths per batch of an MLP's label posterior: each step makes K + 1 passes.
constexpr int64_t kPosteriorBatch = 2048;
/// "auto" divergence: exact (D backward passes) up to this dimension, Hutchinson above.
constexpr int64_t kExactDivergenceMaxDim = 64;

/// `requested` with the time law and s_min of the run's training objective (the estimate covers what
/// was trained); a batch size of 0 means "auto": kUNetBatch for a U-Net, EntropyOptions' default otherwise.
EntropyOptions measurement_options(EntropyOptions requested, const RunConfig& config);
/// Paths per batch of a label posterior: `requested`, or for 0 kUNetBatch for a U-Net and kPosteriorBatch otherwise.
int64_t posterior_batch(int64_t requested, const RunConfig& config);
/// `method` "auto" | "exact" | "hutchinson" with the probe settings of `options`, for data of `dim` columns.
DivergenceOptions resolve_divergence(const std::string& method, DivergenceOptions options, int64_t dim);
/// The memorisation check (docs/held_out.md): an estimate on the rows trained on beside the same estimate on
/// held-out rows, on the same scheme of draws. When they part by more than kMemorisationZ combined stderrs
/// and by more than kMemorisationFraction of the held-out value, the network answers differently on rows it
/// has seen: what it memorised would be read as information. Callers pass stderrs with the rows' sampling
/// error in them (EntropyProfile::total_with_rows) where it is measured; the fraction guards the rest.
constexpr double kMemorisationZ = 4.0, kMemorisationFraction = 0.10;
/// Adds {key, key + "_z"} to `measured_on` and returns a one-line warning naming `what` when the two part,
/// else an empty string. Callers check the headline ("in_sample") and its loss form — the denoising form of
/// S_NN, the MMSE gap of MI — since memorising is a loss lower on the rows seen than on the others
/// ("in_sample_loss_form"); MINDE can read alike on both while the MMSE gap parts by nats.
std::string memorisation_check(nlohmann::json& measured_on, const Estimate& held_out, const Estimate& in_sample,
                               const std::string& what, const std::string& key = "in_sample");

/// `selection`'s JSON for a command that makes no in-sample estimate beside a held-out one: "in_sample" says why.
nlohmann::json measured_on_without_check(const RowSelection& selection, const std::string& why);
/// The text line that says which rows were measured, after `label`: "2000 held-out of 20000 (in-sample 1.5932 ± …)".
std::string rows_line(const std::string& label, const RowSelection& selection, const nlohmann::json& measured_on);

/// The members of a run's ensemble (train --ensemble, train/ensemble.h), each loaded as the run; none for a
/// TorchScript model or a run trained alone.
std::vector<MeasuredModel> load_members(const MeasuredModel& run, const torch::Device& device);
/// One headline estimate over a run's ensemble: `own` (the run's), then `measure` of each member, on the same rows
/// and draws. The spread of these values is the `ensemble` error source.
std::vector<double> ensemble_values(double own, const std::vector<MeasuredModel>& members,
                                    const std::function<double(const MeasuredModel&)>& measure);
/// {"members", "values", "mean", "sd", "method"} of ensemble_values' result.
nlohmann::json ensemble_json(const std::vector<double>& values);
/// The text line after `label` for an ensemble of more than one network, else "": "3 networks: mean …, sd …
/// (values …)".
std::string ensemble_line(const std::string& label, const std::vector<double>& values);

/// The `ensemble` source of `u`: the standard deviation of `ensemble` (the run's and its members' values) when it
/// holds more than one, else said to be missing, with why for a model trained elsewhere or a run trained alone.
void add_ensemble(Uncertainty& u, const MeasuredModel& model, const std::vector<double>& ensemble);

/// The uncertainty of a headline estimate `headline` named `name` (docs/uncertainty.md): its Monte Carlo error
/// and the measured rows' sampling error as random sources, and the standard deviation of `ensemble` (the run's
/// and its members' values, ensemble_values) as the spread over retrained networks — said to be missing when
/// there is one network. Callers add the other estimators of the same quantity.
Uncertainty single_network_uncertainty(const EntropyProfile& headline, const MeasuredModel& model, const std::string& name,
                                       const std::vector<double>& ensemble = {});
/// When the estimators part by more than kBiasWarnZ of their paired random errors (or, where those are unknown,
/// by more than the random half-width) and by more than kBiasWarnFraction of |value|: a one-line warning naming
/// `what`, else an empty string.
constexpr double kBiasWarnFraction = 0.01, kBiasWarnZ = 3.0;
std::string bias_warning(const Uncertainty& u, const std::string& what);
/// When the measured rows' sampling error exceeds both kRowsWarnFraction of |value| and kRowsWarnNats (a value near 0,
/// as for independent variables, is not a reason): a one-line warning naming `what` — a few rows carry the estimate
/// (heavy tails, or rows far from those trained on) — else an empty string.
constexpr double kRowsWarnFraction = 0.25, kRowsWarnNats = 0.1;
std::string rows_warning(const Uncertainty& u, const std::string& what);
/// Whether `truth` lies in u's 95 % interval.
bool inside(const Uncertainty& u, double truth);
/// The text line after `label`: "[lo, hi] nats  (total stderr …: Monte Carlo …, measured rows …, estimator span …;
/// not measured: ensemble)".
std::string uncertainty_line(const std::string& label, const Uncertainty& u);

/// S0 of [N, D] data: from the spec at `spec_path` when given (any error names it), else the k-NN
/// estimate on the first 20000 rows.
DataEntropy data_entropy_for(const std::string& spec_path, const torch::Tensor& x, uint64_t seed);

}  // namespace diffinfo::app
