// The network a user names becomes a run's NetworkOptions: defaults, the preset's shape, the flags given.
#include "diffinfo/app/network_choice.h"
#include "support.h"

namespace diffinfo {
namespace {

TEST(NetworkChoice, AnMlpTakesItsWidthAndDepthOrTheDefaults) {
  const auto o = app::network_options({}, "x.npy", 6, false);
  EXPECT_EQ(o.arch(), "mlp");
  EXPECT_EQ(o.dim(), 6);
  EXPECT_EQ(o.width(), NetworkOptions(6).width());
  app::NetworkChoice c;
  c.width = 64, c.depth = 2;
  const auto narrow = app::network_options(c, "x.npy", 6, false);
  EXPECT_EQ(narrow.width(), 64);
  EXPECT_EQ(narrow.depth(), 2);
  c.mults = {1, 2};
  EXPECT_THROWS_WITH(app::network_options(c, "x.npy", 6, false), "belong to --arch unet");
}

TEST(NetworkChoice, AUNetTakesItsPresetThenTheFlagsGiven) {
  app::NetworkChoice c;
  c.arch = "unet", c.preset = "tiny", c.image_shape = {1, 8, 8};
  const auto tiny = app::network_options(c, "x.npy", 64, false);
  EXPECT_EQ(tiny.width(), unet_preset("tiny", {1, 8, 8}).width());
  c.width = 8;
  EXPECT_EQ(app::network_options(c, "x.npy", 64, false).width(), 8);
  EXPECT_THROWS_WITH(app::network_options(c, "x.npy", 63, false), "x.npy: the 63 columns of a row are not an image of shape 1x8x8");
  c.zero_labels = true;
  EXPECT_THROWS_WITH(app::network_options(c, "x.npy", 64, false), "--zero-labels sets where labels start: it needs --labels");
  EXPECT_TRUE(app::network_options(c, "x.npy", 64, true).zero_labels());
  c.arch = "transformer";
  EXPECT_THROWS_WITH(app::network_options(c, "x.npy", 64, false), "--arch 'transformer' not found; known: mlp, unet");
}

}  // namespace
}  // namespace diffinfo
