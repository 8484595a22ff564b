#pragma once
// The inputs every command reads, checked once: the device, a law's spec JSON, the model to measure
// and the data and condition rows it is measured on. Every bad input throws one line naming the file
// (or flag) and what was expected.
//
//   auto model = diffinfo::app::load_model({"runs/vp6"}, torch::kCPU);
//   auto [x, path] = diffinfo::app::load_data(model, "");       // the run's own data
//   auto profile = diffinfo::neural_entropy(*model.process, model.residual(), x.to(torch::kFloat32), {});
#include "diffinfo/callables.h"
#include "diffinfo/train/run.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

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
  auto named = [&path](const std::string& what) {
    return std::runtime_error(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  };
  try {
    return f(spec);
  } catch (const c10::Error& e) {
    throw named(e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw named(e.what());
  }
}

/// Where a measuring command's model comes from: a run directory written by 'diffinfo train'.
struct ModelSource {
  std::string run;
};

/// A model ready to measure: its forward process and its (EMA) network as callables, with what it was
/// trained on. The measurements take the callables and know nothing of where they come from.
struct MeasuredModel {
  std::string name;  ///< the run directory, as given: messages and reports name it
  RunConfig config;
  int64_t step = 0;
  std::shared_ptr<const ForwardProcess> process;
  std::shared_ptr<ScoreModel> network;

  /// e(x_s, s), the null condition of a conditional model.
  ResidualFn residual() const;
  /// e(x_s, s; y).
  ConditionalResidualFn conditional_residual() const;
  /// s(x_s, s; y).
  ConditionalScoreFn conditional_score() const;
  /// s(x_s, s) as the likelihood needs it: float64 in and out, the network in float32, differentiable in x.
  ScoreFn score() const;
  /// {"objective", "model", "train"} of the run's configuration, for reports.
  nlohmann::json training() const;
};

/// Loads the model of `source` onto `device`; a missing, corrupt or foreign run throws naming its file.
MeasuredModel load_model(const ModelSource& source, const torch::Device& device);

/// Throws unless the model is of X itself (plain or conditional): joint and marginals runs are not.
void require_model_of_x(const MeasuredModel& model);
/// Throws unless the model is of p(x) alone (no conditioning): the likelihood commands measure p(x).
void require_unconditional(const MeasuredModel& model);

/// Data rows [N, D] (float64) and where they came from.
struct DataRows {
  torch::Tensor x;
  std::string path;
};
/// The rows at `data`, or the model's own training data when empty; their width must be the model's.
DataRows load_data(const MeasuredModel& model, const std::string& data);

/// Condition rows alone ([N, D_Y] vectors or [N] int64 labels) for a conditional model, from `cond` or
/// `labels` or the model's own; the flag given must fit the model's kind of condition.
torch::Tensor load_condition(const MeasuredModel& model, const std::string& cond, const std::string& labels);

/// A conditional model's data and condition rows, from the given paths or the model's own.
struct ConditionalInputs {
  torch::Tensor x;     ///< [N, D] float64
  torch::Tensor cond;  ///< [N, D_Y] float64 or [N] int64
  std::string x_path, cond_path;
};
/// Loads and checks them against the model: it must be conditional, with matching widths, kinds and rows.
ConditionalInputs load_conditional_inputs(const MeasuredModel& model, const std::string& data, const std::string& cond,
                                          const std::string& labels);

/// [K] class frequencies of [N] int64 labels: the prior P(C) of a label posterior. Throws naming
/// `labels_path` when a class never occurs.
torch::Tensor class_prior(const torch::Tensor& labels, int64_t classes, const std::string& labels_path);

}  // namespace diffinfo::app
