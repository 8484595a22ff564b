#pragma once
// The diffinfo subcommands. Each adds itself to the app; its callback turns the flags into a request,
// calls the one library entry point (diffinfo/app/, diffinfo/studies/) and prints its report. Errors
// are exceptions, caught once in main().
#include "diffinfo/app/inputs.h"
#include "diffinfo/app/network_choice.h"
#include "diffinfo/app/report.h"
#include "diffinfo/dist/group.h"
#include "diffinfo/measure/divergence.h"
#include "diffinfo/measure/neural_entropy.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

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
void add_export(CLI::App& app);

/// Warnings to stderr, then the JSON (with `json`) or the summary to stdout; nothing on ranks other than 0.
void print(const app::Report& report, bool json);
/// The warnings alone (a --quiet run still says what it fell back on).
void print_warnings(const app::Report& report);

/// Every numeric option of every command (numbers.cpp): finite, |x| <= 1e12, >= 0 unless it means
/// something negative. Called once, after all commands are added.
void guard_numbers(CLI::App& app);

/// The command line main() was given, for --nproc to start it again as each rank.
void set_command_line(int argc, char** argv);
/// Off: print() prints nothing (a rank other than 0).
void set_printing(bool on);

/// How a command runs on several ranks (docs/distributed.md): under torchrun (WORLD_SIZE and the rest
/// set) each process joins the others; --nproc N starts N local ranks of the command itself.
/// --dist-backend gloo | nccl | auto, --dist-timeout SECONDS.
struct DistFlags {
  int nproc = 1;
  dist::GroupOptions options;
  void add(CLI::App* cmd);
  /// With --nproc N > 1 outside torchrun: runs the command as N ranks and returns true when all ended
  /// well (the caller has nothing left to do); throws naming the rank that failed. Else false.
  bool launch() const;
  /// This process's group; `device` "cuda" becomes cuda:LOCAL_RANK. Ranks other than 0 stop printing.
  dist::Group join(std::string& device) const;
};

/// The estimator flags every measuring subcommand shares: --device, --points, --samples, --seed, --eval-batch.
void add_measure_options(CLI::App* cmd, std::string& device, EntropyOptions& options);
/// --measure-on auto | held-out | all | trained: which of the run's own rows a measurement uses.
void add_rows_option(CLI::App* cmd, app::RowSet& rows);
/// The divergence flags of nll, thermo and thermo-sweep: --divergence auto|exact|hutchinson, --probes, --probe.
void add_divergence_options(CLI::App* cmd, std::string& method, DivergenceOptions& probes);

/// Which model a measuring command measures: --run RUN, or --model FILE.pt with its card (--card,
/// default FILE.json beside it) and the card's fields as flags, which win over the card's
/// (docs/own_models.md): --prediction-type, --time-input, --scheduler-config or --process and its
/// parameters, --image-shape, --classes, --null-label.
struct ModelFlags {
  app::ModelSource source;
  std::string prediction, time_input, process;
  ProcessOptions proc;
  std::vector<int64_t> shape;
  int64_t classes = 0, null_label = 0;
  CLI::Option *null_opt = nullptr, *process_opt = nullptr;
  std::vector<CLI::Option*> process_params;
  /// Adds the flags; `run_help` describes the run --run takes. Without `image_shape` the command has
  /// its own --image-shape and passes it to get().
  void add(CLI::App* cmd, const std::string& run_help, bool image_shape = true);
  /// The source the flags name.
  app::ModelSource get(const std::vector<int64_t>& image_shape = {}) const;
};

/// The network flags of commands that train: --arch, --width, --depth, and the U-Net's --preset,
/// --image-shape, --mults, --attention, --dropout, --zero-labels, --label-gate.
struct NetworkFlags {
  app::NetworkChoice choice;
  int64_t width = NetworkOptions(1).width(), depth = NetworkOptions(1).depth();
  CLI::Option *width_opt = nullptr, *depth_opt = nullptr;
  /// Adds the flags to `cmd`; returns them (they fix the network: refused on --resume and with --init).
  std::vector<CLI::Option*> add(CLI::App* cmd);
  /// The choice, with --width and --depth where they were given.
  app::NetworkChoice get() const;
};

/// The names of the options among `options` that were given on the command line, in order.
std::vector<std::string> given(const std::vector<CLI::Option*>& options);

/// A one-line progress bar on a terminal's stderr per training; silent when stderr is not a terminal.
class ProgressBar {
 public:
  /// Callbacks that draw a bar labelled `label` (ending the previous one's line).
  TrainCallbacks start(const std::string& label);
  /// Ends the last bar's line.
  void finish();

 private:
  void update(int64_t step, int64_t total, double loss);

  std::string label_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
  int64_t first_step_ = -1;
};

/// Progress for a study: a bar per training, and each row printed as it comes unless `json`.
app::Progress progress(const std::shared_ptr<ProgressBar>& bar, bool json);

}  // namespace diffinfo::cli
