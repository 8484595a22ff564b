#pragma once
// Checkpoints: weights, EMA weights, optimiser state, step and the run's configuration, in one
// LibTorch archive followed by its CRC-32, written atomically (temporary file, fsync, rename); the
// checkpoint before it is kept as NAME.prev.pt. A damaged file is an error naming it, never a crash
// or a changed number; resuming falls back on the previous checkpoint, saying so.
//
//   diffinfo::save_checkpoint(path, config, step, net, ema, &adam);
//   int64_t step = diffinfo::load_checkpoint(path, config, net, ema, &adam);
#include "diffinfo/model/network.h"

#include <nlohmann/json.hpp>

#include <string>

namespace diffinfo {

void save_checkpoint(const std::string& path, const nlohmann::json& config, int64_t step, Network net,
                     Network ema, torch::optim::Optimizer* optimizer);

/// Loads into net, ema (handles: the modules are shared) and optimizer when given; returns the step. Throws naming `path` when
/// the file is missing or corrupt, or when it holds another model than `config` describes. With `warning`, a
/// damaged `path` falls back on an intact previous_checkpoint(path), and *warning says so.
int64_t load_checkpoint(const std::string& path, const nlohmann::json& config, Network net, Network ema,
                        torch::optim::Optimizer* optimizer, std::string* warning = nullptr);

/// Where save_checkpoint keeps the checkpoint that `path` replaced: checkpoint.pt -> checkpoint.prev.pt.
std::string previous_checkpoint(const std::string& path);

/// Loads only the weights (net and ema) of another run's checkpoint, to start a new run from them: its process,
/// network and data width must be those of `config`; its objective, seed and optimiser state do not carry over.
/// Returns the checkpoint's step. Throws as load_checkpoint.
int64_t load_weights(const std::string& path, const nlohmann::json& config, Network net, Network ema);

}  // namespace diffinfo
