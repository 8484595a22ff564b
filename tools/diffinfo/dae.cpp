// diffinfo dae: the diffusion-autoencoder experiment (Kelly gamblers App. F), I(Z_per; Y) and
// I(Z_sem; Y) against the split time.
#include "commands.h"

#include "diffinfo/studies/dae.h"

namespace diffinfo::cli {

void add_dae(CLI::App& app) {
  auto r = std::make_shared<studies::DaeRequest>();
  auto net = std::make_shared<NetworkFlags>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("dae", "Diffusion autoencoder (Kelly gamblers App. F): I(Z_per; Y) and I(Z_sem; Y) against the split time");
  cmd->add_option("--data", r->data, "images [N, C*H*W] .npy with the spec 'diffinfo images' wrote")->required();
  cmd->add_option("--labels", r->labels, "class labels [N] int64 .npy")->required();
  cmd->add_option("--out", r->out, "output directory (one subdirectory of runs per split time)")->capture_default_str();
  cmd->add_option("--taus", r->taus, "split times tau in (0, 1)")->capture_default_str();
  cmd->add_option("--latent", r->latent, "width D_Z of each latent")->capture_default_str();
  cmd->add_option("--kl-weight", r->kl_weight, "weight gamma of the encoders' KL term")->capture_default_str();
  cmd->add_option("--steps", r->steps, "DAE training steps per split time")->capture_default_str();
  cmd->add_option("--batch", r->batch, "DAE batch size")->capture_default_str();
  cmd->add_option("--lr", r->lr, "DAE peak learning rate")->capture_default_str();
  cmd->add_option("--process", r->process, "forward process: vp | vpx | sl | ve")->capture_default_str();
  cmd->add_option("--mi-steps", r->mi_steps, "training steps of each model of (z, y)")->capture_default_str();
  cmd->add_option("--rows", r->rows, "images whose latents enter I(Z; Y) (the first ones)")->capture_default_str();
  cmd->add_option("--map-rows", r->map_rows, "points in each latent map")->capture_default_str();
  cmd->add_option("--reconstructions", r->reconstructions, "images reconstructed per split time")->capture_default_str();
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  net->add(cmd);
  add_measure_options(cmd, r->device, r->options);
  cmd->callback([r, net, json] {
    r->net = net->get();
    auto bar = std::make_shared<ProgressBar>();
    const auto report = studies::run_dae(*r, progress(bar, *json));
    bar->finish();
    print(report, *json);
  });
}

}  // namespace diffinfo::cli
