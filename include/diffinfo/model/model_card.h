#pragma once
// A model card: how a model trained elsewhere (a TorchScript module, torchscript.h) maps onto
// diffinfo's process, read from FILE.json beside the model or given as flags (docs/own_models.md).
//
//   {"prediction_type": "epsilon", "time_input": "index",
//    "scheduler": {"num_train_timesteps": 1000, "beta_schedule": "linear", "beta_start": 1e-4, "beta_end": 0.02},
//    "shape": [3, 32, 32], "condition": "labels", "classes": 10, "null_label": 10, "data_range": [-1, 1]}
//
// Every field may be absent; a card given as flags lies over the one beside the model (over()).
#include "diffinfo/condition.h"
#include "diffinfo/process.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace diffinfo {

/// What the model's output is (diffusers' names for the first three; docs/math.md §11).
enum class Prediction {
  kEpsilon,  ///< "epsilon": ε̂, the noise in x_s = μ x₀ + √Σ ε
  kSample,   ///< "sample": x̂₀
  kV,        ///< "v_prediction": v̂ = μ ε − √Σ x₀
  kScore,    ///< "score": ∇log p_s(x_s)
  kEntropy,  ///< "entropy": diffinfo's residual e = ∇log p_s − ∇log p_eq
};
/// What the model's time argument is.
enum class TimeInput {
  kS,      ///< "s": diffinfo's continuous s ∈ [s_min, 1]
  kIndex,  ///< "index": the discrete timestep t = s·N − 1 of a DDPM schedule, as a float
  kSigma,  ///< "sigma": the noise level √Σ(s) (VE, EDM)
};

std::vector<std::string> prediction_names();
std::vector<std::string> time_input_names();
std::string name(Prediction p);
std::string name(TimeInput t);
/// The prediction type or time input of a name; an unknown one throws "<what> 'x' not found; known: …".
Prediction prediction_from_name(const std::string& name);
TimeInput time_input_from_name(const std::string& name);

struct ModelCard {
  std::optional<Prediction> prediction;
  std::optional<TimeInput> time_input;
  /// The process: a ForwardProcess::config() ("vp", "ve", …, or "ddpm" for a discrete schedule).
  nlohmann::json process;
  /// [D] or [C, H, W]; empty: the width of the data.
  std::vector<int64_t> shape;
  std::optional<CondKind> condition;  ///< none | labels | vector | coordinates
  int64_t classes = 0;                ///< K, for labels and coordinates
  int64_t cond_dim = 0;               ///< D_Y, for vectors
  std::optional<int64_t> null_label;  ///< the label that asks for p(x) (e.g. K, or −1); none: no null
  std::vector<double> data_range;     ///< [low, high] of the pixels the model expects, or empty
  /// Reference evaluations {"x", "t", "y", "output"} the model must reproduce on load (export writes them), or null.
  nlohmann::json check;

  /// True when no field is set.
  bool empty() const { return to_json() == nlohmann::json{{"null_label", nullptr}}; }
  /// Fields set here win over `base`'s.
  ModelCard over(const ModelCard& base) const;
  nlohmann::json to_json() const;
  /// Reads a card (a scheduler config under "scheduler" becomes a "ddpm" process, and its
  /// prediction_type the card's unless the card says one); unknown values throw naming the field.
  static ModelCard from_json(const nlohmann::json& j);
};

/// The card at `path`; throws one line naming it when it is not valid JSON or has a bad field.
ModelCard read_card(const std::string& path);
/// A diffusers scheduler config at `path` as a card holding its process and prediction_type.
ModelCard read_scheduler_config(const std::string& path);

}  // namespace diffinfo
