#pragma once
// Laws, networks, runs and raw bytes that several suites test against: one definition each.
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/random.h"
#include "diffinfo/train/holdout.h"
#include "diffinfo/train/run.h"

#include <cstring>
#include <functional>
#include <initializer_list>
#include <string>

namespace diffinfo::test {

/// A 4-D Gaussian with a non-zero mean and a random covariance.
inline GaussianData gaussian4() {
  auto gen = make_generator(5);
  auto h = torch::randn({4, 4}, gen, torch::kFloat64);
  return GaussianData(0.5 * torch::randn({4}, gen, torch::kFloat64), h.mm(h.t()) / 4.0 + 0.1 * torch::eye(4, torch::kFloat64));
}

/// n draws of `g`, seeded.
inline torch::Tensor draws(const GaussianData& g, int64_t n, uint64_t seed) {
  auto gen = make_generator(seed);
  return g.as_mixture().sample(n, gen);
}

/// The exact diffused score of `law` as a ScoreFn; `law` and `p` must outlive it.
inline ScoreFn exact_score(const GaussianMixture& law, const ForwardProcess& p) {
  return [&law, &p](const torch::Tensor& x, const torch::Tensor& s) { return law.score(p, x, s); };
}

/// The joint Gaussian of Kelly gamblers App. E.1 at D_X = 5, D_Y = 3.
inline Synthetic joint(int64_t n = 20000, uint64_t seed = 0) {
  auto gen = make_generator(seed);
  return make_joint_gaussian(JointGaussianSpec().dim_x(5).dim_y(3).sigma_eps(1.0), n, gen);
}

/// A correlated 2-D Gaussian with a non-zero mean, and n draws of it.
inline GaussianData law2d() {
  return GaussianData(torch::tensor({0.5, -0.3}, torch::kFloat64), torch::tensor({{0.6, 0.25}, {0.25, 0.2}}, torch::kFloat64));
}
inline torch::Tensor data2d(int64_t n = 4000) {
  auto gen = make_generator(0);
  return law2d().as_mixture().sample(n, gen);
}

/// A small, fast run on 2-D data held in memory.
inline RunConfig small_config(int64_t steps, const std::string& process = "vp") {
  RunConfig c;
  c.process = make_process(process)->config();
  c.model = NetworkOptions(2).width(64).depth(2);
  c.train.steps(steps).batch_size(128).checkpoint_every(20).log_every(10).warmup(10);
  c.data_path = "memory";
  c.data_var = 0.4;
  return c;
}

/// A short run that holds out a quarter of 400 rows of data2d, those rows, and the same rows with every held-out one
/// set to 1000: a run that never trains on its held-out rows ends with the same weights on both.
struct HeldOutProbe {
  RunConfig config;
  torch::Tensor x, held_out_replaced;
  HoldoutSplit split;
};
inline HeldOutProbe held_out_probe() {
  HeldOutProbe p{small_config(60), data2d(400), {}, holdout_split(0.25, 0, 400)};
  p.config.train.holdout(0.25).checkpoint_every(60);
  p.held_out_replaced = p.x.clone().index_fill_(0, p.split.held_out, 1e3);
  return p;
}

/// An MLP with seeded, non-zero weights.
inline Mlp random_net(int64_t dim, int64_t cond_dim = 0) {
  Mlp net(NetworkOptions(dim).width(32).depth(2).cond_dim(cond_dim));
  auto gen = make_generator(1);
  net->reset_parameters(gen);
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.add_(0.1 * torch::randn(p.sizes(), gen, torch::kFloat32));  // non-zero output
  return net;
}

/// The bytes of `values` as they lie in memory (little-endian here), for hand-made files.
template <typename T>
std::string raw(std::initializer_list<T> values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), std::data(values), out.size());
  return out;
}

/// What `f` throws, or "no error".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace diffinfo::test
