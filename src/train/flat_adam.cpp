#include "diffinfo/train/flat_adam.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_map>

namespace diffinfo {
namespace {

struct Step {
  float beta1, beta2, rsqrt_bc2, eps, step_size, decay;
};

// Adam's update as torch::optim::Adam makes it, element by element, and the EMA of the new value:
// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − (lr/b₁)·m / (√v/√b₂ + ε), e ← d·e + (1−d)·p.
// Cloned for AVX-512 where the CPU has it (the loop is what the compiler vectorises).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void adam_ema_kernel(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v,
                     float* __restrict e, int64_t n, Step k) {
  const float c1 = 1.0f - k.beta1, c2 = 1.0f - k.beta2, ce = 1.0f - k.decay;
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float mi = m[i] * k.beta1 + c1 * gi;
    const float vi = v[i] * k.beta2 + c2 * gi * gi;
    const float pi = p[i] - k.step_size * (mi / (std::sqrt(vi) * k.rsqrt_bc2 + k.eps));
    m[i] = mi, v[i] = vi, p[i] = pi;
    e[i] = e[i] * k.decay + ce * pi;
  }
}

// torch::optim::Adam's state slot of `p`, keyed by the address of p's TensorImpl: as a string in LibTorch
// 1.13 (what c10::guts::to_string writes), as the pointer itself in later versions.
template <typename Map>
typename Map::mapped_type& state_slot(Map& states, const torch::Tensor& p) {
  if constexpr (std::is_same_v<typename Map::key_type, std::string>) {
    std::ostringstream key;
    key << p.unsafeGetTensorImpl();
    return states[key.str()];
  } else {
    return states[p.unsafeGetTensorImpl()];
  }
}

// Views of `flat` shaped like each tensor, the values copied in, and each tensor pointed at its view.
void alias(const std::vector<torch::Tensor>& tensors, const torch::Tensor& flat) {
  torch::NoGradGuard no_grad;
  int64_t at = 0;
  for (auto t : tensors) {
    auto view = flat.narrow(0, at, t.numel()).view(t.sizes());
    view.copy_(t);
    t.set_(view);
    at += t.numel();
  }
}

}  // namespace

FlatAdam::FlatAdam(torch::optim::Adam& adam, const std::vector<torch::Tensor>& params,
                   const std::vector<torch::Tensor>& ema)
    : adam_(adam) {
  TORCH_CHECK(params.size() == ema.size(), "FlatAdam: ", params.size(), " parameters but ", ema.size(), " EMA copies");
  std::unordered_map<const c10::TensorImpl*, size_t> index;
  for (size_t i = 0; i < params.size(); ++i) index[params[i].unsafeGetTensorImpl()] = i;
  std::vector<torch::Tensor> ps, es, ms, vs;
  int64_t total = 0;
  for (auto& group : adam.param_groups()) {
    const auto& o = static_cast<const torch::optim::AdamOptions&>(group.options());
    TORCH_CHECK(o.weight_decay() == 0 && !o.amsgrad(), "FlatAdam: weight decay and AMSGrad are not supported");
    Group g{total, total, {}};
    for (const auto& p : group.params()) {
      const auto found = index.find(p.unsafeGetTensorImpl());
      TORCH_CHECK(found != index.end(), "FlatAdam: an optimised tensor is not among the network's parameters");
      TORCH_CHECK(p.scalar_type() == torch::kFloat32 && p.device() == params.front().device(),
                  "FlatAdam: parameters must be float32 on one device");
      auto& slot = state_slot(adam.state(), p);
      if (!slot) {  // a fresh run: the state torch::optim::Adam would create at its first step
        auto state = std::make_unique<torch::optim::AdamParamState>();
        state->exp_avg(torch::zeros_like(p)).exp_avg_sq(torch::zeros_like(p));
        slot = std::move(state);
      }
      auto* state = static_cast<torch::optim::AdamParamState*>(slot.get());
      g.states.push_back(state);
      ps.push_back(p), es.push_back(ema[found->second]);
      ms.push_back(state->exp_avg()), vs.push_back(state->exp_avg_sq());
      total += p.numel();
    }
    g.end = total;
    groups_.push_back(std::move(g));
  }
  const auto options = params.front().options().requires_grad(false);
  param_ = torch::empty({total}, options), grad_ = torch::zeros({total}, options);
  exp_avg_ = torch::empty({total}, options), exp_avg_sq_ = torch::empty({total}, options);
  ema_ = torch::empty({total}, options);
  alias(ps, param_), alias(es, ema_), alias(ms, exp_avg_), alias(vs, exp_avg_sq_);
  int64_t at = 0;
  for (auto p : ps) {  // autograd adds into a defined .grad() in place (backward without create_graph)
    p.mutable_grad() = grad_.narrow(0, at, p.numel()).view(p.sizes());
    at += p.numel();
  }
}

void FlatAdam::step(double ema_decay) {
  torch::NoGradGuard no_grad;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    auto& g = groups_[gi];
    if (g.begin == g.end) continue;
    const auto& o = static_cast<const torch::optim::AdamOptions&>(adam_.param_groups()[gi].options());
    const int64_t step = g.states.front()->step() + 1;
    for (auto* s : g.states) s->step(step);
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    const double bc1 = 1 - std::pow(beta1, static_cast<double>(step)), bc2 = 1 - std::pow(beta2, static_cast<double>(step));
    const double step_size = o.lr() / bc1;
    const int64_t n = g.end - g.begin;
    auto p = param_.narrow(0, g.begin, n), grad = grad_.narrow(0, g.begin, n), m = exp_avg_.narrow(0, g.begin, n),
         v = exp_avg_sq_.narrow(0, g.begin, n), e = ema_.narrow(0, g.begin, n);
    if (param_.is_cpu()) {
      const Step k{static_cast<float>(beta1), static_cast<float>(beta2), static_cast<float>(1 / std::sqrt(bc2)),
                   static_cast<float>(o.eps()), static_cast<float>(step_size), static_cast<float>(ema_decay)};
      float *pp = p.data_ptr<float>(), *mp = m.data_ptr<float>(), *vp = v.data_ptr<float>(), *ep = e.data_ptr<float>();
      const float* gp = grad.data_ptr<float>();
      at::parallel_for(0, n, 16384, [&](int64_t b, int64_t end) {
        adam_ema_kernel(pp + b, gp + b, mp + b, vp + b, ep + b, end - b, k);
      });
    } else {  // torch::optim::Adam's own operations, once over the group
      m.mul_(beta1).add_(grad, 1 - beta1);
      v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
      p.addcdiv_(m, (v.sqrt() / std::sqrt(bc2)).add_(o.eps()), -step_size);
      e.mul_(ema_decay).add_(p, 1 - ema_decay);
    }
  }
}

}  // namespace diffinfo
