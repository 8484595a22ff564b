#pragma once
// What a command's entry point hands back to whoever called it (the CLI, a test, a script): the
// JSON object of `--json`, the summary a person reads, and the warnings, one line each. The entry
// points decide everything; the caller only prints.
//
//   auto r = diffinfo::app::run_entropy(request);
//   for (const auto& w : r.warnings) std::cerr << w << "\n";
//   std::cout << (json ? r.json.dump(2) + "\n" : r.text);
#include "diffinfo/train/trainer.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace diffinfo::app {

struct Report {
  nlohmann::json json;                ///< every number with its settings
  std::string text;                   ///< the human summary, lines ending in "\n"
  std::vector<std::string> warnings;  ///< one line each, without the newline
};

/// How long work shows how it goes, for commands that train several models (studies, the demo): either
/// member may be empty.
struct Progress {
  /// The callbacks of one training, given its label ("train N = 1000"): a progress bar, say.
  std::function<TrainCallbacks(const std::string& label)> training;
  /// A line of the summary as soon as it is known (a study's row), without the newline.
  std::function<void(const std::string& line)> line;

  TrainCallbacks start(const std::string& label) const { return training ? training(label) : TrainCallbacks{}; }
  void say(const std::string& text) const {
    if (line) line(text);
  }
};

/// printf into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace diffinfo::app
