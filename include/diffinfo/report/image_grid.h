#pragma once
// Images as one figure: a grid of tiles (samples, reconstructions).
//
//   diffinfo::plot_image_grid("samples.png", x.reshape({n, 1, 28, 28}), -1, 1, 10, "samples");
#include <torch/torch.h>

#include <string>

namespace diffinfo {

/// [N, C, H, W] images -> [C, rows·(H + gap) − gap, columns·(W + gap) − gap], row-major tiles separated by
/// `gap` pixels of `fill` (N ≤ rows·columns, rows = ⌈N/columns⌉; empty tiles are `fill` too).
torch::Tensor tile_images(const torch::Tensor& images, int64_t columns, int64_t gap, double fill);
/// Draws [N, C, H, W] images (C = 1 grey, C = 3 RGB) with values in [low, high] as one PNG or SVG grid,
/// `columns` wide; values outside the range are clipped.
void plot_image_grid(const std::string& path, const torch::Tensor& images, double low, double high, int64_t columns,
                     const std::string& title);

}  // namespace diffinfo
