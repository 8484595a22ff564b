#pragma once
// The network a user asks for by name and a few numbers (`--arch`, `--preset`, `--width` …), made into
// the NetworkOptions of a run: an MLP with its width and depth, or a U-Net that takes its preset's shape,
// the image shape from the data's image spec, and then the numbers given.
//
//   auto o = diffinfo::app::network_options({"unet", "tiny"}, "fm.npy", 784, /*labelled=*/true);
#include "diffinfo/model/network.h"

#include <optional>
#include <string>
#include <vector>

namespace diffinfo::app {

struct NetworkChoice {
  std::string arch = "mlp";            ///< mlp | unet
  std::string preset = "small";        ///< U-Net: tiny | small | paper
  std::optional<int64_t> width, depth; ///< MLP: hidden width and layers (default 256, 3); U-Net: the preset's unless given
  std::vector<int64_t> image_shape;    ///< U-Net: C H W (default: the data's image spec)
  std::vector<int64_t> mults;          ///< U-Net: channel multiplier per level (default: the preset's)
  int64_t attention = -1;              ///< U-Net: attention at levels of side <= this (-1: the preset's)
  double dropout = -1;                 ///< U-Net: dropout (-1: the preset's)
  bool zero_labels = false;            ///< U-Net with labels: label embeddings start at 0
  bool label_gate = false;             ///< U-Net with labels: a learned gate g(s) on the label embeddings
};

/// The network for `columns`-wide rows of `data_path`; `labelled`: the run trains on class labels, which
/// --zero-labels and --label-gate need. The combination is checked here, before any training starts.
NetworkOptions network_options(const NetworkChoice& choice, const std::string& data_path, int64_t columns, bool labelled);

}  // namespace diffinfo::app
