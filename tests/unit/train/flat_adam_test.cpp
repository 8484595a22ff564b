// FlatAdam computes torch::optim::Adam's steps and the trainer's EMA, and torch::optim::Adam's own save
// and load see its moments.
#include "diffinfo/train/flat_adam.h"

#include <gtest/gtest.h>

#include <sstream>

namespace diffinfo {
namespace {

torch::nn::Sequential small_net() {
  torch::manual_seed(3);
  return torch::nn::Sequential(torch::nn::Linear(5, 16), torch::nn::SiLU(), torch::nn::Linear(16, 16),
                               torch::nn::SiLU(), torch::nn::Linear(16, 3));
}

// Two groups with their own learning rates, as train's --label-lr makes them.
std::vector<torch::optim::OptimizerParamGroup> two_groups(torch::nn::Sequential& net) {
  auto params = net->parameters();
  std::vector<torch::Tensor> first(params.begin(), params.begin() + 2), rest(params.begin() + 2, params.end());
  return {torch::optim::OptimizerParamGroup(rest), torch::optim::OptimizerParamGroup(first)};
}

torch::Tensor loss_of(torch::nn::Sequential& net, int64_t step) {
  auto gen = at::detail::createCPUGenerator(100 + step);
  const auto x = torch::randn({64, 5}, gen), y = torch::randn({64, 3}, gen);
  return (net->forward(x) - y).pow(2).mean();
}

TEST(FlatAdam, StepsAsTorchAdamAndTheEmaAsTheTrainerDid) {
  auto ours = small_net(), theirs = small_net();
  auto ema = small_net(), their_ema = small_net();  // the same initial values
  torch::optim::Adam adam(two_groups(ours), torch::optim::AdamOptions(1e-2));
  torch::optim::Adam reference(two_groups(theirs), torch::optim::AdamOptions(1e-2));
  FlatAdam flat(adam, ours->parameters(), ema->parameters());
  auto their_params = theirs->parameters();
  auto their_ema_params = their_ema->parameters();
  for (int64_t step = 1; step <= 60; ++step) {
    const std::vector<double> lrs = {1e-2 * (1 + 0.01 * step), 3e-2};
    const double d = std::min(0.9, (1.0 + step) / (10.0 + step));
    for (size_t g = 0; g < 2; ++g) static_cast<torch::optim::AdamOptions&>(adam.param_groups()[g].options()).lr(lrs[g]);
    flat.zero_grad();
    loss_of(ours, step).backward();
    flat.step(d);

    reference.zero_grad();
    loss_of(theirs, step).backward();
    for (size_t g = 0; g < 2; ++g)
      static_cast<torch::optim::AdamOptions&>(reference.param_groups()[g].options()).lr(lrs[g]);
    reference.step();
    torch::NoGradGuard no_grad;
    torch::_foreach_mul_(their_ema_params, d);
    torch::_foreach_add_(their_ema_params, their_params, 1.0 - d);
  }
  // Float rounding only (a fused multiply-add here and there, grown over 60 steps to a few 1e-6):
  // within 1e-4, a hundredth of one step's move (lr = 1e-2); a wrong term moves far more.
  const auto p = ours->parameters(), e = ema->parameters();
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_TRUE(torch::allclose(p[i], their_params[i], 1e-4, 1e-4)) << "parameter " << i << ": " << (p[i] - their_params[i]).abs().max().item<double>() << " of " << their_params[i].abs().max().item<double>();
    EXPECT_TRUE(torch::allclose(e[i], their_ema_params[i], 1e-4, 1e-4)) << "EMA " << i;
  }
  // And the moves were real: the parameters are far from where they started.
  EXPECT_GT((p.front() - small_net()->parameters().front()).abs().max().item<double>(), 0.05);
}

TEST(FlatAdam, TorchAdamSavesAndLoadsItsMomentsAndSteps) {
  auto net = small_net(), ema = small_net();
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-2));
  FlatAdam flat(adam, net->parameters(), ema->parameters());
  for (int64_t step = 1; step <= 5; ++step) {
    flat.zero_grad();
    loss_of(net, step).backward();
    flat.step(0.5);
  }
  std::stringstream bytes;
  {
    torch::serialize::OutputArchive archive;
    adam.save(archive);
    archive.save_to(bytes);
  }
  auto again = small_net();
  torch::optim::Adam loaded(again->parameters(), torch::optim::AdamOptions(1e-2));
  torch::serialize::InputArchive archive;
  archive.load_from(bytes);
  loaded.load(archive);
  const auto a = net->parameters(), b = again->parameters();
  ASSERT_EQ(loaded.state().size(), a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    std::ostringstream ka, kb;
    ka << a[i].unsafeGetTensorImpl(), kb << b[i].unsafeGetTensorImpl();
    const auto& sa = static_cast<const torch::optim::AdamParamState&>(*adam.state().at(ka.str()));
    const auto& sb = static_cast<const torch::optim::AdamParamState&>(*loaded.state().at(kb.str()));
    EXPECT_EQ(sb.step(), 5);
    EXPECT_TRUE(torch::equal(sa.exp_avg(), sb.exp_avg()));
    EXPECT_TRUE(torch::equal(sa.exp_avg_sq(), sb.exp_avg_sq()));
    EXPECT_GT(sb.exp_avg_sq().abs().sum().item<double>(), 0);
  }
  // Gradients are views of one tensor: zero_grad clears every parameter's .grad().
  flat.zero_grad();
  for (const auto& p : a) EXPECT_EQ(p.grad().abs().sum().item<double>(), 0);
}

TEST(FlatAdam, RefusesWeightDecay) {
  auto net = small_net(), ema = small_net();
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-2).weight_decay(0.1));
  EXPECT_THROW(FlatAdam(adam, net->parameters(), ema->parameters()), c10::Error);
}

}  // namespace
}  // namespace diffinfo
