#include "diffinfo/sample/sampler.h"

#include "diffinfo/names.h"
#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"

#include <cmath>

namespace diffinfo {

std::vector<std::string> sampler_names() { return {"sde", "ode"}; }

nlohmann::json to_json(const SamplerOptions& o) {
  return {{"method", o.method()},
          {"steps", o.steps()},
          {"s_end", o.s_end()},
          {"guidance_scale", o.guidance_scale()},
          {"guidance_w", o.guidance_scale() - 1.0},
          {"seed", o.seed()}};
}

std::vector<double> sampler_times(const ForwardProcess& process, const SamplerOptions& o) {
  return reverse_times(process, o.steps(), o.s_end());
}

torch::Tensor sample(const ForwardProcess& process, const ConditionalScoreFn& score, const Condition& cond, int64_t n,
                     int64_t dim, const SamplerOptions& o, const torch::Device& device) {
  TORCH_CHECK(is_known(sampler_names(), o.method()), unknown_name("sampler", o.method(), sampler_names()));
  TORCH_CHECK(n >= 1 && dim >= 1 && o.batch_size() >= 1, "sampler needs n, dim and batch_size >= 1");
  TORCH_CHECK(cond.is_null() || cond.value.size(0) == n, "sampler needs one condition row per draw (", n, "), got ",
              cond.is_null() ? 0 : cond.value.size(0));
  TORCH_CHECK(std::isfinite(o.guidance_scale()), "guidance_scale must be finite");
  TORCH_CHECK(!cond.is_null() || o.guidance_scale() == 1.0,
              "guidance needs a condition (--cond or --labels); guidance_scale ", o.guidance_scale(), " given without one");
  const double w = o.guidance_scale() - 1.0;
  const auto times = sampler_times(process, o);
  const auto f32 = torch::dtype(torch::kFloat32).device(device);
  torch::NoGradGuard no_grad;

  auto out = torch::empty({n, dim}, f32);
  for (int64_t start = 0, chunk = 0; start < n; start += o.batch_size(), ++chunk) {
    const int64_t end = std::min(n, start + o.batch_size()), b = end - start;
    const auto c = cond.slice(start, end);
    auto guided = [&](const torch::Tensor& x, double s) {
      auto st = torch::full({b, 1}, s, f32);
      if (c.is_null()) return score(x, st, c);
      auto sc = score(x, st, c);
      return w == 0.0 ? sc : (1.0 + w) * sc - w * score(x, st, Condition());
    };
    // dx/ds of the probability flow; the SDE's drift has σ² in place of σ²/2.
    auto velocity = [&](const torch::Tensor& x, double s, double score_factor) {
      const auto sch = process.at(s);
      return sch.phi * x - score_factor * sch.sigma * sch.sigma * guided(x, s);
    };
    auto gen = make_generator(derive_seed(o.seed(), static_cast<uint64_t>(chunk)));
    auto x = process.sample_prior(b, dim, gen, f32);
    for (size_t k = 0; k + 1 < times.size(); ++k) {
      const double s = times[k], s_next = times[k + 1], ds = s_next - s;  // ds < 0
      if (o.method() == "ode") {
        auto v = velocity(x, s, 0.5);
        auto x_pred = x + ds * v;
        x = x + 0.5 * ds * (v + velocity(x_pred, s_next, 0.5));
      } else {
        x = x + ds * velocity(x, s, 1.0) + process.at(s).sigma * std::sqrt(-ds) * randn({b, dim}, gen, f32);
      }
    }
    const auto end_sch = process.at(times.back());  // Tweedie: E[x0 | x_s] = (x + Σ ∇log p_s) / μ
    x = (x + end_sch.var * guided(x, times.back())) / end_sch.mu;
    out.slice(0, start, end).copy_(x);
  }
  TORCH_CHECK(torch::isfinite(out).all().item<bool>(), "sampling produced NaN or Inf (try more --steps)");
  return out;
}

}  // namespace diffinfo
