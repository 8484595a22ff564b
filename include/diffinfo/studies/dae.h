#pragma once
// The diffusion-autoencoder study (Kelly gamblers App. F.3; docs/math.md §10). For each split time τ a
// DAE (two Gaussian encoders, a conditional diffusion decoder on z_per for s < τ and z_sem for s ≥ τ)
// is trained on the images; its latent means are exported; a small conditional diffusion model on (z, y)
// per latent gives I(Z_per; Y) and I(Z_sem; Y) by MINDE and by posterior, and a classifier of z the lower
// bound H(Y) − CE beside it. Then a table and plot of both against τ, a 2-D map of the latents coloured
// by class, and reconstructions. Every run resumes.
#include "diffinfo/app/network_choice.h"
#include "diffinfo/app/report.h"
#include "diffinfo/measure/neural_entropy.h"

#include <string>
#include <vector>

namespace diffinfo::studies {

struct DaeRequest {
  std::string data, labels;         ///< images [N, C·H·W] with the spec 'diffinfo images' wrote; labels [N]
  std::string out = "dae", process = "vp", device = "cpu";
  std::vector<double> taus = {0.1, 0.3, 0.5, 0.7, 0.9};  ///< split times in (0, 1)
  int64_t latent = 8;               ///< width D_Z of each latent
  int64_t steps = 3000, batch = 128;  ///< DAE training per split time
  int64_t mi_steps = 4000;          ///< training of each model of (z, y)
  int64_t rows = 10000;             ///< images whose latents enter I(Z; Y) (the first ones)
  int64_t map_rows = 2000, reconstructions = 10;
  double kl_weight = 0.01, lr = 1e-3;
  app::NetworkChoice net;           ///< the decoder
  EntropyOptions options = EntropyOptions().batch_size(0);
};

app::Report run_dae(const DaeRequest& request, const app::Progress& progress);

}  // namespace diffinfo::studies
