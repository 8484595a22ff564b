// Network options serialise themselves: each architecture's section of config.json round-trips, an MLP's
// keeps only the common fields, and a missing field is named.
#include "diffinfo/model/network.h"
#include "support.h"

namespace diffinfo {
namespace {

void expect_round_trip(const NetworkOptions& o) {
  const auto j = network_to_json(o);
  EXPECT_EQ(network_to_json(network_from_json(j, "config.json")), j);
}

TEST(Network, EachArchitectureRoundTripsThroughItsConfigSection) {
  const auto mlp = NetworkOptions(6).width(64).depth(2).classes(3);
  expect_round_trip(mlp);
  EXPECT_FALSE(network_to_json(mlp).contains("arch"));  // an MLP run's section is what it always was
  EXPECT_FALSE(network_to_json(mlp).contains("mults"));
  const auto unet = unet_preset("tiny", {1, 8, 8}).classes(10).zero_labels(true).label_gate(true);
  expect_round_trip(unet);
  EXPECT_EQ(network_from_json(network_to_json(unet), "c").mults(), unet.mults());
  const auto dae = NetworkOptions(16).latent(4).split_time(0.3).split(0.2).kl_weight(0.1).cond_dim(16).image_shape({1, 4, 4});
  expect_round_trip(dae);
}

TEST(Network, MissingOrUnknownFieldsAreNamed) {
  auto j = network_to_json(unet_preset("tiny", {1, 8, 8}));
  j.erase("mults");
  EXPECT_THROWS_WITH(network_from_json(j, "run/config.json"), "run/config.json: missing field 'model.mults'");
  auto k = network_to_json(NetworkOptions(2));
  k["arch"] = "transformer";
  EXPECT_THROWS_WITH(network_from_json(k, "run/config.json"), "run/config.json: model.arch 'transformer' not found; known: mlp, unet");
}

}  // namespace
}  // namespace diffinfo
