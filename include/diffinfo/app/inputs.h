#pragma once
// The inputs every command reads, checked once: the device, a law's spec JSON, the model to measure
// and the data and condition rows it is measured on. Every bad input throws one line naming the file
// (or flag) and what was expected.
//
//   auto model = diffinfo::app::load_model({"runs/vp6"}, torch::kCPU);
//   auto [x, path] = diffinfo::app::load_data(model, "");       // the run's own data
//   auto profile = diffinfo::neural_entropy(*model.process, model.residual(), x.to(torch::kFloat32), {});
#include "diffinfo/callables.h"
#include "diffinfo/io/json_file.h"
#include "diffinfo/model/model_card.h"
#include "diffinfo/model/scorer.h"
#include "diffinfo/train/run.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace diffinfo::app {

/// "cpu", "cuda", "cuda:1" -> a device that exists, or a one-line error.
torch::Device device_from_name(const std::string& name);

/// A spec JSON written by 'diffinfo data'; a missing or malformed file throws naming it.
nlohmann::json read_spec(const std::string& path);

/// f(the spec at `path`): a law or an exact reference built from it. Whatever f throws (a missing
/// field, a law of the wrong shape) comes out as one error naming `path`.
template <class F>
auto with_spec(const std::string& path, F&& f) -> decltype(f(nlohmann::json())) {
  const auto spec = read_spec(path);
  return in_file(path, [&] { return f(spec); });
}

/// Where a measuring command's model comes from: a run directory written by 'diffinfo train', or a
/// TorchScript archive trained elsewhere with its card (docs/own_models.md). One of `run` and `model`.
struct ModelSource {
  /// The run directory `run_dir` (empty: none yet).
  ModelSource(std::string run_dir = {}) : run(std::move(run_dir)) {}

  std::string run;    ///< a run directory
  std::string model;  ///< FILE.pt, a TorchScript module forward(x, t[, y])
  std::string card;   ///< its card; empty: FILE.json beside FILE.pt when there is one
  std::string scheduler_config;  ///< a diffusers scheduler config, the card's "scheduler"
  ModelCard flags;    ///< card fields given as flags: they win over the card's
  ModelCard base;     ///< beneath the card: what a companion model inherits (mi --uncond-model)
};

/// A model ready to measure: its forward process and its network as a Scorer, with what it was
/// trained on (for a TorchScript model, what its card says). The measurements take the callables and
/// know nothing of where they come from.
struct MeasuredModel {
  std::string name;  ///< the run directory or model file, as given: messages and reports name it
  RunConfig config;  ///< a TorchScript model's: its process, width and condition, default measurement settings
  int64_t step = 0;
  std::shared_ptr<const ForwardProcess> process;
  std::shared_ptr<Scorer> network;
  std::optional<ModelCard> card;  ///< set for a TorchScript model

  /// "run" or "model": the report field that names the source.
  const char* source_key() const { return card ? "model" : "run"; }
  /// Where a command writes `file` by default: inside the run directory, or FILE.<file> beside FILE.pt.
  std::string output_file(const std::string& file) const;

  /// e(x_s, s), the null condition of a conditional model.
  ResidualFn residual() const;
  /// e(x_s, s; y).
  ConditionalResidualFn conditional_residual() const;
  /// s(x_s, s; y).
  ConditionalScoreFn conditional_score() const;
  /// s(x_s, s) as the likelihood needs it: float64 in and out, the network in float32, differentiable in x.
  ScoreFn score() const;
  /// {"objective", "model", "train"} of the run's configuration, or {"card", "source"} of a TorchScript model.
  nlohmann::json training() const;
};

/// Loads the model of `source` onto `device`; a missing, corrupt or foreign run or model throws naming
/// its file. `data`, the rows it will be measured on, gives a TorchScript model its width when neither
/// its card nor the flags say.
MeasuredModel load_model(const ModelSource& source, const torch::Device& device, const std::string& data = "");
/// The unconditional companion of `main` at FILE.pt (mi --uncond-model): `main`'s flags but its
/// condition, with FILE.json beside it as its card; load_model's `inherit` fills what neither says.
ModelSource unconditional_source(const ModelSource& main, const std::string& file);
/// A TorchScript model's card without its condition, as its unconditional companion inherits it.
ModelCard unconditional_card(const ModelCard& card);

/// Throws unless the model is of X itself (plain or conditional): joint and marginals runs are not.
void require_model_of_x(const MeasuredModel& model);
/// Throws unless the model is of p(x) alone (no conditioning): the likelihood commands measure p(x).
void require_unconditional(const MeasuredModel& model);

/// Which of a run's own rows a measurement draws x0 (and its condition) from (docs/held_out.md): the rows
/// it held out of training, all of them, or those it was trained on. kAuto, the default: the held-out
/// rows when the run holds at least kMinMeasuredRows out, else all rows with a note saying why.
enum class RowSet { kAuto, kHeldOut, kAll, kTrained };
/// "auto" | "held-out" | "all" | "trained" <-> RowSet; an unknown name throws listing the known ones.
RowSet row_set_from_name(const std::string& name);
std::string name(RowSet rows);
/// A run's own rows measured on fewer held-out rows than this are measured on all rows instead, with a
/// warning: the held-out estimate's sampling error would exceed the in-sample one's bias (docs/held_out.md).
constexpr int64_t kMinMeasuredRows = 500;

/// Which rows of a file a measurement uses, and the in-sample rows for the memorisation check.
struct RowSelection {
  std::string set = "all";  ///< "held-out", "all", "trained", or "file" (--data: every row of another file)
  int64_t count = 0;        ///< rows measured
  int64_t of = 0;           ///< rows in the file
  torch::Tensor rows;       ///< [count] int64 indices into the file; undefined: all rows in order
  torch::Tensor in_sample;  ///< held-out measurements: [K] int64 trained rows for the in-sample estimate beside
  std::string note;         ///< why the set is what it is when not the held-out rows, or empty
  /// {"set", "count", "of"[, "note"]}: the measuring commands' "measured_on".
  nlohmann::json to_json() const;
};
/// The rows of the model's own data that a measurement of `requested` uses (every row of another file when
/// `other_file`). kAuto measures a run that holds none out, or fewer than kMinMeasuredRows, on all rows with
/// a note saying so; asking for held-out or trained rows of a run that holds none out throws.
RowSelection select_rows(const MeasuredModel& model, bool other_file, RowSet requested);

/// Data rows [N, D] (float64) and where they came from.
struct DataRows {
  torch::Tensor x;
  std::string path;
  RowSelection selection;  ///< which rows of `path` are in x
  torch::Tensor in_sample;  ///< the rows of `path` trained on, beside held-out x (the memorisation check)
  torch::Tensor all;        ///< every row of `path`: what the data's own entropy S0 is estimated from
};
/// Every row at `data`, or of the model's own training data when empty; their width must be the model's.
DataRows load_file_rows(const MeasuredModel& model, const std::string& data);
/// The rows at `data` (all of them), or the model's own training data when empty (the rows of `rows`);
/// their width must be the model's.
DataRows load_data(const MeasuredModel& model, const std::string& data, RowSet rows = RowSet::kAuto);

/// Condition rows alone ([N, D_Y] vectors or [N] int64 labels) for a conditional model, from `cond` or
/// `labels` or the model's own; the flag given must fit the model's kind of condition.
torch::Tensor load_condition(const MeasuredModel& model, const std::string& cond, const std::string& labels);

/// A conditional model's data and condition rows, from the given paths or the model's own.
struct ConditionalInputs {
  torch::Tensor x;     ///< [N, D] float64
  torch::Tensor cond;  ///< [N, D_Y] float64 or [N] int64
  std::string x_path, cond_path;
  RowSelection selection;          ///< which rows of the files are in x and cond
  torch::Tensor in_sample_x, in_sample_cond;  ///< beside held-out rows: the rows trained on
};
/// Loads and checks them against the model: it must be conditional, with matching widths, kinds and rows.
/// The model's own rows are those of `rows`; given files are used whole.
ConditionalInputs load_conditional_inputs(const MeasuredModel& model, const std::string& data, const std::string& cond,
                                          const std::string& labels, RowSet rows = RowSet::kAuto);

/// [K] class frequencies of [N] int64 labels: the prior P(C) of a label posterior. Throws naming
/// `labels_path` when a class never occurs.
torch::Tensor class_prior(const torch::Tensor& labels, int64_t classes, const std::string& labels_path);

}  // namespace diffinfo::app
