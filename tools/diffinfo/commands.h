#pragma once
// The diffinfo subcommands. Each adds itself to the app; its callback parses nothing more,
// calls the library and prints. Errors are exceptions, caught once in main().
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <chrono>
#include <string>

namespace diffinfo::cli {

void add_train(CLI::App& app);
void add_entropy(CLI::App& app);
void add_demo(CLI::App& app);
void add_data(CLI::App& app);

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
