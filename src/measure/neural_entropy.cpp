#include "diffinfo/measure/neural_entropy.h"

#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"

#include <cmath>

namespace diffinfo {

nlohmann::json EntropyProfile::settings() const {
  return {{"estimator", "stratified importance sampling over s"},
          {"points", options.points()},
          {"samples_per_point", options.samples_per_point()},
          {"time_sampling", options.time_sampling()},
          {"s_min", options.s_min()},
          {"t_max", t_max},
          {"seed", options.seed()}};
}

EntropyProfile neural_entropy(const ForwardProcess& process, const ResidualFn& residual, const torch::Tensor& data,
                              const EntropyOptions& o) {
  TORCH_CHECK(o.points() >= 1, "entropy estimate needs points >= 1, got ", o.points());
  TORCH_CHECK(o.samples_per_point() >= 2, "entropy estimate needs samples_per_point >= 2 (for its stderr), got ",
              o.samples_per_point());
  TORCH_CHECK(o.batch_size() >= 1, "entropy estimate needs batch_size >= 1");
  TORCH_CHECK(data.dim() == 2 && data.size(0) >= 1, "entropy estimate needs data [N, D], got ", data.sizes());
  const TimeSampler times(process, o.time_sampling(), o.s_min());
  const int64_t k = o.points(), n = o.samples_per_point(), m = k * n;
  auto gen = make_generator(o.seed());

  // Stratum j holds u ∈ [j/K, (j+1)/K): s = F⁻¹(u), weight σ²/(2 p(s)).
  auto u = (torch::arange(k, torch::kFloat64).repeat_interleave(n) + torch::rand({m}, gen, torch::kFloat64)) / k;
  auto [s, pdf] = times.map(u);
  auto weight = (0.5 * process.diffusion(s).pow(2) / pdf).reshape({m});
  auto idx = randint(data.size(0), m, gen, data.device());
  auto eps = randn({m, data.size(1)}, gen, data.options());

  auto values = torch::empty({m}, torch::kFloat64);
  {
    torch::NoGradGuard no_grad;
    for (int64_t start = 0; start < m; start += o.batch_size()) {
      const int64_t end = std::min(m, start + o.batch_size());
      auto st = s.slice(0, start, end).to(data.options());
      auto x_s = process.sample(data.index_select(0, idx.slice(0, start, end)), st, eps.slice(0, start, end));
      auto e = residual(x_s, st);
      TORCH_CHECK(e.sizes() == x_s.sizes(), "residual must return [B, D] like its input, got ", e.sizes());
      values.slice(0, start, end).copy_(e.pow(2).sum(1).to(torch::kCPU, torch::kFloat64));
    }
  }
  TORCH_CHECK(torch::isfinite(values).all().item<bool>(), "the network returned NaN or Inf while measuring");
  auto f = (values * weight).reshape({k, n});
  auto mean = f.mean(1), var = f.var(1, /*unbiased=*/true);

  EntropyProfile out;
  out.options = o;
  out.t_max = times.t_max();
  out.total = {mean.sum().item<double>() / k, std::sqrt(var.sum().item<double>() / n) / k};
  double cum = 0.0, cum_var = 0.0;
  for (int64_t j = 0; j < k; ++j) {
    const double lo = times.quantile(double(j) / k), hi = times.quantile(double(j + 1) / k);
    const double mj = mean[j].item<double>(), vj = var[j].item<double>();
    cum += mj / k;
    cum_var += vj / n / (double(k) * k);
    const double width = (hi - lo) * k;
    out.curve.push_back({lo, hi, times.quantile((j + 0.5) / k), {mj / width, std::sqrt(vj / n) / width},
                         {cum, std::sqrt(cum_var)}});
  }
  return out;
}

}  // namespace diffinfo
