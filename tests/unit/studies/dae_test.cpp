// The diffusion-autoencoder study on tiny images: a DAE per split time, the label information of both
// latents with stderrs beside H(Y), the files it promises, and its bad inputs named.
#include "diffinfo/app/data.h"
#include "diffinfo/data/images.h"
#include "diffinfo/random.h"
#include "diffinfo/studies/dae.h"
#include "support.h"

#include <cmath>
#include <filesystem>

namespace diffinfo {
namespace {

TEST(DaeStudy, EachSplitTimeGivesBothLatentsInformation) {
  const auto dir = test::scratch_dir();
  auto gen = make_generator(2);
  write_idx(dir + "/im.idx", torch::randint(0, 256, {40, 8, 8}, gen, torch::kInt64).to(torch::kUInt8));
  write_idx(dir + "/lb.idx", (torch::arange(40, torch::kInt64) % 4).to(torch::kUInt8));
  app::ImagesRequest images;
  images.idx_images = dir + "/im.idx", images.idx_labels = dir + "/lb.idx", images.out = dir + "/f.npy";
  app::run_images(images);
  studies::DaeRequest r;
  r.data = dir + "/f.npy", r.labels = dir + "/f_labels.npy", r.out = dir + "/d", r.taus = {0.5};
  r.latent = 2, r.steps = 5, r.batch = 8, r.mi_steps = 5, r.reconstructions = 2;
  r.net.width = 16;
  r.options.points(4).samples_per_point(8);
  const auto report = studies::run_dae(r, {});
  EXPECT_NEAR(report.json["label_entropy"].get<double>(), std::log(4.0), 1e-9);
  ASSERT_EQ(report.json["runs"].size(), 1u);
  EXPECT_TRUE(report.json["runs"][0]["i_sem"].contains("stderr"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/d/tau_0.50/z_sem.npy"));
  EXPECT_NE(report.text.find("H(Y) = 1.3863"), std::string::npos);
  r.taus = {1.5};
  EXPECT_THROWS_WITH(studies::run_dae(r, {}), "--taus: split times must lie in (0, 1), got 1.5");
}

}  // namespace
}  // namespace diffinfo
