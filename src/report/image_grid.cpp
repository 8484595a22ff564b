#include "diffinfo/report/image_grid.h"

#include "diffinfo/report/plot.h"

#include <sstream>

namespace diffinfo {

torch::Tensor tile_images(const torch::Tensor& images, int64_t columns, int64_t gap, double fill) {
  TORCH_CHECK(images.dim() == 4 && images.size(0) >= 1 && columns >= 1 && gap >= 0,
              "tiling needs [N, C, H, W] images, columns >= 1 and gap >= 0, got ", images.sizes());
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const int64_t cols = std::min(columns, n), rows = (n + cols - 1) / cols;
  auto canvas = torch::full({c, rows * (h + gap) - gap, cols * (w + gap) - gap}, fill, images.options());
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = i / cols, k = i % cols;
    canvas.narrow(1, r * (h + gap), h).narrow(2, k * (w + gap), w).copy_(images[i]);
  }
  return canvas;
}

void plot_image_grid(const std::string& path, const torch::Tensor& images, double low, double high, int64_t columns,
                     const std::string& title) {
  TORCH_CHECK(images.dim() == 4 && (images.size(1) == 1 || images.size(1) == 3),
              "an image grid needs [N, C, H, W] images with C = 1 or 3, got ", images.sizes());
  TORCH_CHECK(high > low, "an image grid needs high > low, got [", low, ", ", high, "]");
  auto pix = ((images.detach().to(torch::kCPU, torch::kFloat64) - low) / (high - low)).clamp(0, 1) * 255.0;
  auto canvas = tile_images(pix, columns, 1, 255.0).round();
  const int64_t c = canvas.size(0), h = canvas.size(1), w = canvas.size(2);
  std::ostringstream data, body;
  if (c == 1) {  // a matrix of grey levels
    auto a = canvas[0].contiguous();
    const double* p = a.data_ptr<double>();
    for (int64_t y = 0; y < h; ++y) {
      for (int64_t x = 0; x < w; ++x) data << (x ? "," : "") << p[y * w + x];
      data << "\n";
    }
    body << "set palette gray\nset cbrange [0:255]\nplot DATA matrix with image notitle\n";
  } else {  // x, y, r, g, b rows
    auto a = canvas.contiguous();
    const double* p = a.data_ptr<double>();
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        data << x << ',' << y << ',' << p[y * w + x] << ',' << p[h * w + y * w + x] << ',' << p[2 * h * w + y * w + x] << "\n";
    body << "plot DATA using 1:2:3:4:5 with rgbimage notitle\n";
  }
  std::ostringstream full;
  full << "unset logscale x\nunset grid\nunset tics\nunset border\nunset colorbox\nset size ratio -1\n"
       << "set xrange [-0.5:" << w - 0.5 << "]\nset yrange [" << h - 0.5 << ":-0.5]\n" << body.str();
  draw_plot(path, data.str(), title, full.str(), 1);
}

}  // namespace diffinfo
