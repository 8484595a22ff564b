#pragma once
// What 'diffinfo images' records beside the arrays it writes (x.npy -> x.spec.json): the image shape
// and the grid of pixel values. Images stay flat [N, C·H·W] everywhere; this is where their shape
// comes back from.
//
//   auto layout = diffinfo::image_layout("fm.npy", {}, 784, "fm.npy");   // {1, 28, 28}, range [−1, 1]
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace diffinfo {

/// "x.npy" -> "x" + suffix: the files written beside data, such as x.spec.json (where 'diffinfo
/// images' and 'diffinfo data' describe what they wrote) and x_labels.npy.
std::string sibling(const std::string& data_path, const std::string& suffix);

/// The image spec beside data.
struct ImageSpec {
  std::string path;
  std::vector<int64_t> shape;  ///< {C, H, W}
  double low = -1, high = 1;   ///< the value range of the pixels
  int64_t levels = 256;        ///< values per pixel
};
/// The image spec beside `data_path`; empty when no image spec lies there; throws naming the spec
/// when it is malformed.
std::optional<ImageSpec> image_spec(const std::string& data_path);

/// The image shape and pixel range of [N, D] data.
struct ImageLayout {
  std::vector<int64_t> shape;
  double low = -1, high = 1;
};
/// `shape` (C H W) when given, else the spec's; throws naming `what` unless C·H·W = `columns`.
ImageLayout image_layout(const std::string& data_path, std::vector<int64_t> shape, int64_t columns, const std::string& what);

}  // namespace diffinfo
