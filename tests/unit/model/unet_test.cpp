// The U-Net on flat image rows: shapes, independence of rows, conditioning, the label gate, and its runs.
#include "diffinfo/measure/neural_entropy.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/model/unet.h"
#include "diffinfo/random.h"
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/trainer.h"
#include "support.h"

namespace diffinfo {
namespace {

using test::scratch_dir;

UNet random_unet(NetworkOptions o) {
  UNet net(o);
  auto gen = make_generator(1);
  net->reset_parameters(gen);
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.add_(0.1 * torch::randn(p.sizes(), gen, torch::kFloat32));  // non-zero output
  return net;
}

int64_t parameter_count(Network net) {
  int64_t n = 0;
  for (const auto& p : net->parameters()) n += p.numel();
  return n;
}

TEST(UNet, MapsFlatImagesToFlatImagesForEveryShape) {
  torch::NoGradGuard no_grad;
  // Odd sides round up on the way down and are restored on the way up.
  for (const auto& shape : std::vector<std::vector<int64_t>>{{1, 28, 28}, {3, 32, 32}, {2, 7, 9}}) {
    auto net = random_unet(unet_preset("tiny", shape).mults({1, 2, 2}).attention(8));
    const int64_t d = shape[0] * shape[1] * shape[2];
    auto out = net->forward(torch::randn({3, d}), torch::rand({3, 1}));
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{3, d}));
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
  }
  // The presets grow in size; `paper` is DDPM's CIFAR-10 network (35.7 M parameters there).
  const int64_t tiny = parameter_count(make_network(unet_preset("tiny", {3, 32, 32})));
  const int64_t small = parameter_count(make_network(unet_preset("small", {3, 32, 32})));
  const int64_t paper = parameter_count(make_network(unet_preset("paper", {3, 32, 32})));
  EXPECT_LT(tiny, small);
  EXPECT_GT(paper, 30'000'000);
  EXPECT_LT(paper, 40'000'000);
}

TEST(UNet, RowsAreIndependent) {
  // GroupNorm normalises within an image, never across the batch: a row's output is its own.
  torch::NoGradGuard no_grad;
  auto net = random_unet(unet_preset("tiny", {1, 8, 8}));
  auto x = torch::randn({4, 64}), tau = torch::rand({4, 1});
  auto all = net->forward(x, tau);
  auto one = net->forward(x.slice(0, 2, 3), tau.slice(0, 2, 3));
  EXPECT_TRUE(torch::allclose(all.slice(0, 2, 3), one, 1e-5, 1e-5));
}

TEST(UNet, FreshNetworkSaysTheDataAreAtEquilibriumAndTheSeedFixesIt) {
  const auto o = unet_preset("tiny", {1, 8, 8}).classes(3);
  UNet a(o), b(o), c(o);
  auto g1 = make_generator(5), g2 = make_generator(5), g3 = make_generator(6);
  a->reset_parameters(g1), b->reset_parameters(g2), c->reset_parameters(g3);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(a->forward(torch::randn({2, 64}), torch::rand({2, 1})), torch::zeros({2, 64})));
  auto pa = a->parameters(), pb = b->parameters(), pc = c->parameters();
  bool all_same = true, any_differs = false;
  for (size_t i = 0; i < pa.size(); ++i) {
    all_same = all_same && torch::equal(pa[i], pb[i]);
    any_differs = any_differs || !torch::equal(pa[i], pc[i]);
  }
  EXPECT_TRUE(all_same);
  EXPECT_TRUE(any_differs);
  // Labels are drawn at random, or with zero_labels all start as the null label.
  EXPECT_GT(a->named_parameters()["labels.weight"].std().item<double>(), 0.5);
  UNet z(unet_preset("tiny", {1, 8, 8}).classes(3).zero_labels(true));
  z->reset_parameters(g3);
  EXPECT_TRUE(torch::equal(z->named_parameters()["labels.weight"], torch::zeros({4, 4 * o.width()})));
}

TEST(UNet, ConditionsOnLabelsWithANullLabelAndOnVectors) {
  torch::NoGradGuard no_grad;
  auto net = random_unet(unet_preset("tiny", {1, 8, 8}).classes(3));
  auto x = torch::randn({3, 64}), tau = torch::rand({3, 1});
  auto by_label = net->forward(x, tau, torch::tensor({0, 1, 2}));
  auto same = net->forward(x, tau, torch::tensor({0, 0, 0}));
  EXPECT_TRUE(torch::allclose(by_label[0], same[0], 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(by_label[1], same[1]));
  auto null = net->forward(x, tau);
  auto dropped = net->forward(x, tau, {torch::tensor({0, 1, 2}), torch::tensor({false, false, true})});
  EXPECT_TRUE(torch::allclose(dropped.slice(0, 0, 2), null.slice(0, 0, 2), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(dropped[2], by_label[2], 1e-5, 1e-5));
  EXPECT_THROWS_WITH(net->forward(x, tau, torch::zeros({3, 1})), "network expected [3] int64 labels, got [3, 1] Float");  // float labels

  auto vec = random_unet(unet_preset("tiny", {1, 8, 8}).cond_dim(2));
  auto y0 = vec->forward(x, tau, torch::zeros({3, 2})), y1 = vec->forward(x, tau, torch::ones({3, 2}));
  EXPECT_FALSE(torch::allclose(y0, y1));
  EXPECT_FALSE(torch::allclose(vec->forward(x, tau), y0));  // the null condition is not y = 0
  EXPECT_THROWS_WITH(vec->forward(x, tau, torch::zeros({3, 3})), "network expected a [3, 2] conditioning vector, got [3, 3]");
}

TEST(UNet, LabelGateStartsAsTheUngatedNetworkAndCanSwitchLabelsOff) {
  const auto o = unet_preset("tiny", {1, 8, 8}).classes(3);
  auto plain = random_unet(o);
  UNet gated(NetworkOptions(o).label_gate(true));
  auto gen = make_generator(1);
  gated->reset_parameters(gen);
  torch::NoGradGuard no_grad;
  // Every layer but the gate draws what it draws without one; copy the perturbed weights across.
  auto from = plain->named_parameters();
  for (auto& p : gated->named_parameters())
    if (p.key().rfind("label_gate.", 0) != 0) p.value().copy_(from[p.key()]);
  auto x = torch::randn({3, 64}), tau = torch::rand({3, 1}), labels = torch::tensor({0, 1, 2});
  EXPECT_TRUE(torch::allclose(gated->forward(x, tau, labels), plain->forward(x, tau, labels), 1e-5, 1e-5));
  // A closed gate makes every label the same network as the null label's...
  auto bias = gated->named_parameters()["label_gate.bias"];  // a handle on the parameter
  bias.fill_(-40.0);
  const auto null = gated->forward(x, tau);
  EXPECT_TRUE(torch::allclose(gated->forward(x, tau, labels), null, 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(plain->forward(x, tau, labels), plain->forward(x, tau), 1e-3, 1e-3));
  // The gate is a function of s that training moves: the loss reaches its weights.
  bias.zero_();
  {
    torch::AutoGradMode grad(true);
    gated->forward(x, tau, labels).pow(2).sum().backward();
  }
  EXPECT_GT(gated->named_parameters()["label_gate.weight"].grad().abs().sum().item<double>(), 0.0);
  EXPECT_THROWS_WITH(UNet(unet_preset("tiny", {1, 8, 8}).label_gate(true)), "U-Net label_gate scales label embeddings: it needs classes > 0");  // nothing to gate
}

TEST(UNet, RejectsShapesThatDoNotFit) {
  EXPECT_THROWS_WITH(UNet(unet_preset("tiny", {1, 8, 8}).dim(65)), "U-Net: image shape 1x8x8 does not hold dim 65");
  EXPECT_THROWS_WITH(UNet(unet_preset("tiny", {1, 8, 8}).mults({})), "U-Net needs one channel multiplier >= 1 per level");
  EXPECT_THROWS_WITH(UNet(unet_preset("tiny", {1, 8, 8}).classes(2).cond_dim(2)), "U-Net conditions on vectors or on labels, not both (cond_dim 2, classe");
  auto net = random_unet(unet_preset("tiny", {1, 8, 8}));
  EXPECT_THROWS_WITH(net->forward(torch::randn({2, 63}), torch::rand({2, 1})), "U-Net expected points [B, 64], got [2, 63]");
  try {
    unet_preset("huge", {1, 8, 8});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "U-Net preset 'huge' not found; known: tiny, small, paper");
  }
  EXPECT_THROWS_WITH(make_network(NetworkOptions(4).arch("transformer")), "network architecture 'transformer' not found; known: mlp, unet");
}

// Gaussian images: a smooth stationary field on a 6×6 grid, so the law (and S_NN) is known exactly.
GaussianData smooth_field(int64_t side) {
  const int64_t d = side * side;
  auto idx = torch::arange(d, torch::kFloat64);
  auto r = torch::floor(idx / side), c = idx - side * torch::floor(idx / side);
  auto dist2 = (r.unsqueeze(0) - r.unsqueeze(1)).pow(2) + (c.unsqueeze(0) - c.unsqueeze(1)).pow(2);
  auto cov = 0.5 * torch::exp(-dist2 / (2 * 1.5 * 1.5)) + 0.05 * torch::eye(d, torch::kFloat64);
  return GaussianData(torch::zeros({d}, torch::kFloat64), cov);
}

RunConfig unet_config(int64_t steps, int64_t side) {
  RunConfig c;
  c.process = make_process("vp")->config();
  c.model = unet_preset("tiny", {1, side, side});
  c.train.steps(steps).batch_size(128).checkpoint_every(10).log_every(10).warmup(10);
  c.data_path = "memory";
  c.data_var = 0.55;
  return c;
}

TEST(UNet, RunsResumeExactlyAndRejectAnotherArchitecture) {
  const auto dir = scratch_dir();
  auto gen = make_generator(0);
  auto x = smooth_field(4).as_mixture().sample(500, gen).to(torch::kFloat32);
  train(unet_config(30, 4), x, dir + "/whole", false, torch::kCPU);
  TrainCallbacks die;
  die.progress = [](int64_t step, int64_t, double) {
    if (step == 25) throw std::runtime_error("killed");
  };
  EXPECT_THROWS_WITH(train(unet_config(30, 4), x, dir + "/broken", false, torch::kCPU, die), "killed");
  train(unet_config(30, 4), x, dir + "/broken", true, torch::kCPU);
  auto whole = load_run(dir + "/whole", torch::kCPU), broken = load_run(dir + "/broken", torch::kCPU);
  EXPECT_EQ(whole.config.model.arch(), "unet");
  EXPECT_EQ(whole.config.model.image_shape(), (std::vector<int64_t>{1, 4, 4}));
  auto pw = whole.model->net()->parameters(), pb = broken.model->net()->parameters();
  ASSERT_EQ(pw.size(), pb.size());
  for (size_t i = 0; i < pw.size(); ++i) EXPECT_TRUE(torch::equal(pw[i], pb[i]));

  auto mlp = unet_config(30, 4);
  mlp.model = NetworkOptions(16);
  auto net = make_network(mlp.model), ema = make_network(mlp.model);
  try {
    load_checkpoint(dir + "/whole/checkpoint.pt", mlp.to_json(), net, ema, nullptr);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint is from another model: /model/"), std::string::npos) << e.what();
  }
}

TEST(UNet, NeuralEntropyOfGaussianImagesApproachesTheExactTotal) {
  // As TrainAccuracyTest for the MLP: 4 stderr plus a 5 % model-error allowance.
  const auto dir = scratch_dir();
  const auto law = smooth_field(6);
  auto gen = make_generator(0);
  auto x = law.as_mixture().sample(20000, gen).to(torch::kFloat32);
  auto c = unet_config(1500, 6);
  c.train.lr(2e-3).checkpoint_every(1500).log_every(100).warmup(100);
  c.data_var = x.var(0).mean().item<double>();
  train(c, x, dir + "/run", false, torch::kCPU);
  auto run = load_run(dir + "/run", torch::kCPU);
  auto model = run.model;
  const auto prof = neural_entropy(
      *run.process, [&](const torch::Tensor& a, const torch::Tensor& s) { return model->residual(a, s); }, x,
      EntropyOptions().points(50).samples_per_point(200));
  const double exact = law.total_entropy(*run.process);
  EXPECT_TRUE(test::within_stderr(prof.total.value, exact, prof.total.std_error, 4.0, 0.05 * exact));
}

}  // namespace
}  // namespace diffinfo
