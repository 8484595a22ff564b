// Image grids place every tile in row-major order.
#include "diffinfo/data/images.h"
#include "diffinfo/model/classifier.h"
#include "diffinfo/random.h"
#include "diffinfo/report/image_grid.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::scratch_dir;

using test::slurp;

using test::spit;

TEST(Images, TilesPlaceEveryImageInRowMajorOrder) {
  auto images = torch::arange(5, torch::kFloat64).reshape({5, 1, 1, 1}).expand({5, 1, 2, 3}).contiguous();
  const auto canvas = tile_images(images, 2, 1, -1.0);
  ASSERT_EQ(canvas.sizes(), (std::vector<int64_t>{1, 3 * 3 - 1, 2 * 4 - 1}));
  for (int64_t i = 0; i < 5; ++i) {
    const int64_t r = i / 2, c = i % 2;
    EXPECT_TRUE((canvas[0].narrow(0, r * 3, 2).narrow(1, c * 4, 3) == double(i)).all().item<bool>()) << i;
  }
  EXPECT_EQ(canvas[0][2][0].item<double>(), -1.0);   // the gap row
  EXPECT_EQ(canvas[0][6][4].item<double>(), -1.0);   // the empty sixth tile
}

}  // namespace
}  // namespace diffinfo
