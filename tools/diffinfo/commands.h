#pragma once
// The diffinfo subcommands. Each adds itself to the app; its callback parses nothing more,
// calls the library and prints. Errors are exceptions, caught once in main().
#include "diffinfo/analytic/reference.h"
#include "diffinfo/measure/limits.h"
#include "diffinfo/measure/neural_entropy.h"
#include "diffinfo/train/run.h"
#include "diffinfo/train/trainer.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace diffinfo::cli {

void add_train(CLI::App& app);
void add_entropy(CLI::App& app);
void add_demo(CLI::App& app);
void add_data(CLI::App& app);
void add_mi(CLI::App& app);
void add_sample(CLI::App& app);
void add_tc(CLI::App& app);
void add_label_entropy(CLI::App& app);
void add_nll(CLI::App& app);
void add_thermo(CLI::App& app);
void add_thermo_sweep(CLI::App& app);
void add_images(CLI::App& app);
void add_scaling(CLI::App& app);
void add_classify(CLI::App& app);
void add_dae(CLI::App& app);

/// A run's data x0 [N, D] (float64) from `data`, or the run's own when empty: {x, its path}.
std::pair<torch::Tensor, std::string> load_run_data(const RunConfig& config, const std::string& run_dir,
                                                    const std::string& data);

/// A run's data and condition rows, from the given paths or the run's own.
struct ConditionalInputs {
  torch::Tensor x;      ///< [N, D] float64
  torch::Tensor cond;   ///< [N, D_Y] float64 or [N] int64
  std::string x_path, cond_path;
};
/// Loads and checks them against the run: it must be conditional, with matching widths, kinds and rows.
ConditionalInputs load_conditional_inputs(const RunConfig& config, const std::string& run_dir, const std::string& data,
                                          const std::string& cond, const std::string& labels);
/// Condition rows alone ([N, D_Y] vectors or [N] labels) for a conditional run; `what` names them.
torch::Tensor load_condition(const RunConfig& config, const std::string& run_dir, const std::string& cond,
                             const std::string& labels);

/// [K] class frequencies of [N] int64 labels: the prior P(C) of a label posterior. Throws naming
/// `labels_path` when a class never occurs.
torch::Tensor class_prior(const torch::Tensor& labels, int64_t classes, const std::string& labels_path);

/// Throws unless the run models X itself (plain or conditional): joint and marginals runs do not.
void require_model_of_x(const RunConfig& config, const std::string& run_dir);

/// The estimator flags every measuring subcommand shares: --device, --points, --samples, --seed, --eval-batch.
void add_measure_options(CLI::App* cmd, std::string& device, EntropyOptions& options);
/// `options` with the time law and s_min of the run's training objective: the estimate covers what was trained.
/// A batch size of 0 means "auto": 64 rows per forward pass for a U-Net, EntropyOptions' default otherwise.
EntropyOptions measure_options(EntropyOptions options, const RunConfig& config);

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

/// Trains a run of `config` on [N, D] data and its condition rows, if any (the data's rows and variance are
/// filled in here), into `dir` with a progress bar labelled `label`, resuming the run there when it has a
/// checkpoint; a finished run returns at once (TrainResult::was_complete).
TrainResult train_or_resume(RunConfig config, const TrainData& data, const std::string& dir, const torch::Device& device,
                            const std::string& label);

/// The network flags of commands that train: --arch, --width, --depth, and the U-Net's --preset,
/// --image-shape, --mults, --attention, --dropout, --zero-labels, --label-gate. A U-Net takes its preset's shape, then the flags given.
struct NetworkArgs {
  std::string arch = "mlp", preset = "small";
  NetworkOptions mlp{1};  ///< the MLP's width and depth defaults
  std::vector<int64_t> image_shape, mults;
  int64_t attention = -1;
  double dropout = -1;
  bool zero_labels = false, label_gate = false;
  CLI::Option *width_opt = nullptr, *depth_opt = nullptr;
  /// Adds the flags to `cmd`; returns them (they cannot change on --resume).
  std::vector<CLI::Option*> add(CLI::App* cmd);
  /// The network for `columns`-wide rows of `data_path` (a U-Net reads the image shape from its spec).
  /// `labelled`: the run trains on class labels; --zero-labels and --label-gate need them.
  NetworkOptions options(const std::string& data_path, int64_t columns, bool labelled) const;
};

/// What 'diffinfo images' recorded in the spec beside `data_path` (x.spec.json): the image shape and
/// the grid of pixel values. Empty when no image spec lies there; throws naming the spec when it is malformed.
struct ImageSpec {
  std::string path;
  std::vector<int64_t> shape;
  double low = -1, high = 1;
  int64_t levels = 256;
};
std::optional<ImageSpec> image_spec(const std::string& data_path);

/// The image shape and pixel range of [N, D] data: `shape` (C H W) when given, else from the spec that
/// 'diffinfo images' wrote beside `data_path`; throws naming `what` unless C·H·W = `columns`.
struct ImageLayout {
  std::vector<int64_t> shape;
  double low = -1, high = 1;
};
ImageLayout image_layout(const std::string& data_path, std::vector<int64_t> shape, int64_t columns, const std::string& what);
/// "x.npy" -> "x" + suffix: the files written beside data, such as x.spec.json, where 'diffinfo
/// images' and 'diffinfo data' describe what they wrote, and x_labels.npy.
std::string sibling(const std::string& data_path, const std::string& suffix);

/// The run's EMA score s_θ as a ScoreFn: float64 in and out, the network in float32.
ScoreFn run_score(const LoadedRun& run);

/// Throws unless the run models p(x) alone (no conditioning): the likelihood commands measure p(x).
void require_unconditional(const RunConfig& config, const std::string& run_dir);

/// S0 of [N, D] data: from the spec at `spec_path` when given, else the k-NN estimate on the data.
DataEntropy data_entropy_for(const std::string& spec_path, const torch::Tensor& x, uint64_t seed);

/// The divergence flags of nll and thermo: --divergence auto|exact|hutchinson, --probes, --probe.
struct DivergenceArgs {
  std::string method = "auto";
  DivergenceOptions options;
  void add(CLI::App* cmd);
  /// "auto": exact up to 64 dimensions, Hutchinson above.
  DivergenceOptions resolve(int64_t dim) const;
};

/// "cpu", "cuda", "cuda:1" -> a device that exists, or a one-line error.
torch::Device parse_device(const std::string& name);

/// A one-line progress bar on a terminal's stderr; silent when stderr is not a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  void update(int64_t step, int64_t total, double loss);
  void finish();

 private:
  std::string label_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
  int64_t first_step_ = -1;
};

}  // namespace diffinfo::cli
