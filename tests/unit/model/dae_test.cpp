// The diffusion autoencoder: the split of its latents over s, its KL term, and its runs.
#include "diffinfo/info/pca.h"
#include "diffinfo/model/dae.h"
#include "diffinfo/random.h"
#include "diffinfo/train/trainer.h"
#include "support.h"

namespace diffinfo {
namespace {

NetworkOptions dae_options() {
  return NetworkOptions(6).width(32).depth(2).cond_dim(6).latent(2).split_time(0.3).split(0.25).kl_weight(0.5);
}

Dae random_dae(const NetworkOptions& o) {
  Dae dae(o);
  auto gen = make_generator(2);
  dae->reset_parameters(gen);
  torch::NoGradGuard no_grad;
  for (auto& p : dae->parameters()) p.add_(0.2 * torch::randn(p.sizes(), gen, torch::kFloat32));
  return dae;
}

TEST(Dae, DecoderSeesZPerBeforeTheSplitAndZSemAfter) {
  auto dae = random_dae(dae_options());
  dae->eval();
  torch::NoGradGuard no_grad;
  auto x = torch::randn({4, 6}), x0 = torch::randn({4, 6});
  auto tau = torch::tensor({{1.0}, {0.3}, {0.2}, {-1.0}});  // τ(s) falls with s: the first two rows are s < split time
  auto [z_per, z_sem] = dae->encode(x0);
  ASSERT_FALSE(torch::allclose(z_per, z_sem));
  auto out = dae->forward(x, tau, x0);
  auto with_per = dae->decoder()->forward(x, tau, z_per), with_sem = dae->decoder()->forward(x, tau, z_sem);
  EXPECT_TRUE(torch::allclose(out.slice(0, 0, 2), with_per.slice(0, 0, 2)));
  EXPECT_TRUE(torch::allclose(out.slice(0, 2, 4), with_sem.slice(0, 2, 4)));
  EXPECT_TRUE(torch::allclose(dae->forward(x, tau), dae->decoder()->forward(x, tau)));  // null: no latent
  EXPECT_FALSE(dae->penalty().defined());  // evaluation draws nothing and costs nothing
}

TEST(Dae, TrainingDrawsLatentsAndChargesTheirKl) {
  auto dae = random_dae(dae_options());
  dae->train();
  auto x = torch::randn({256, 6}), x0 = torch::randn({256, 6}), tau = torch::zeros({256, 1});
  torch::manual_seed(0);
  auto a = dae->forward(x, tau, x0);
  const auto penalty = dae->penalty();
  ASSERT_TRUE(penalty.defined());
  EXPECT_FALSE(dae->penalty().defined());  // taken once
  torch::manual_seed(1);
  EXPECT_FALSE(torch::allclose(a, dae->forward(x, tau, x0)));  // reparameterised draws differ
  // γ · mean over rows of Σ_z KL(N(μ, σ²) ‖ N(0, 1)) for both encoders, from the encoders' outputs.
  torch::NoGradGuard no_grad;
  double kl = 0;
  for (const char* name : {"per", "sem"}) {
    auto h = dae->named_children()[name]->as<torch::nn::Sequential>()->forward(x0);
    auto mu = h.narrow(1, 0, 2), logvar = h.narrow(1, 2, 2).clamp(-12, 6);
    kl += (0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)).mean().item<double>();
  }
  EXPECT_NEAR(penalty.item<double>(), 0.5 * kl, 1e-4 * kl);
  EXPECT_THROWS_WITH(Dae(dae_options().cond_dim(5)), "a DAE is conditioned on x0 itself: it needs cond_dim = dim");  // the condition is x0 itself
}

TEST(Dae, RunsRoundTripThroughTheirConfiguration) {
  const auto dir = test::scratch_dir();
  RunConfig c;
  c.process = make_process("vp")->config();
  c.model = dae_options();
  c.objective.p_uncond(0.0);
  c.train.steps(10).batch_size(32).checkpoint_every(10).log_every(5);
  c.data_path = c.cond_path = "memory", c.cond_kind = CondKind::kVector;
  auto gen = make_generator(0);
  auto x = randn({200, 6}, gen, torch::dtype(torch::kFloat32));
  train(c, {x, x}, dir + "/run", false, torch::kCPU);
  auto run = load_run(dir + "/run", torch::kCPU);
  EXPECT_EQ(run.config.model.latent(), 2);
  EXPECT_DOUBLE_EQ(run.config.model.split_time(), 0.3);
  EXPECT_TRUE(std::dynamic_pointer_cast<DaeImpl>(run.model->net().ptr()) != nullptr);
}

TEST(Dae, SplitCoordinateIsTheNetworksTimeCoordinate) {
  auto vp = make_process("vp");
  const double coord = dae_split_coordinate(*vp, 0.3, 0.7);
  auto s = torch::full({1, 1}, 0.3, torch::kFloat64);
  const double mu2 = vp->mean_factor(s).pow(2).item<double>(), var = vp->kernel_var(s).item<double>();
  EXPECT_NEAR(coord, std::log(mu2 * 0.7 / var) / 8.0, 1e-12);
  EXPECT_GT(dae_split_coordinate(*vp, 0.2, 0.7), coord);  // falls with s
}

}  // namespace
}  // namespace diffinfo
