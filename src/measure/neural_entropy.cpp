#include "diffinfo/measure/neural_entropy.h"

#include "diffinfo/random.h"
#include "diffinfo/time_sampler.h"

#include <cmath>

namespace diffinfo {
namespace {

// [K, n, C] weighted draws, [K·n] their data rows out of `rows` -> [C] √(Var_r h(r) / rows), h(r) a row's
// expected draw. Centred on its stratum's mean, a draw's expected product with another draw on the same row is
// Cov(h_k(r), h_l(r)), and the strata of such pairs are uniform, so the mean product over all pairs estimates
// Var_r h(r) (docs/uncertainty.md). With fewer than 1000 pairs, the bound Var_r h(r) ≤ mean_k Var(f | k) stands in.
torch::Tensor rows_stderr(const torch::Tensor& f, const torch::Tensor& idx, int64_t rows) {
  const int64_t columns = f.size(2);
  auto g = (f - f.mean(1, /*keepdim=*/true)).reshape({-1, columns});
  auto at = idx.to(torch::kCPU);
  auto sums = torch::zeros({rows, columns}, torch::kFloat64).index_add_(0, at, g);
  auto squares = torch::zeros({rows, columns}, torch::kFloat64).index_add_(0, at, g * g);
  auto counts = torch::bincount(at, {}, rows).to(torch::kFloat64);
  const double pairs = (counts * (counts - 1)).sum().item<double>();
  auto between = pairs >= 1000.0 ? ((sums.pow(2) - squares).sum(0) / pairs).clamp_min(0.0)
                                : f.var(1, /*unbiased=*/true).mean(0);
  return (between / double(rows)).sqrt();
}

}  // namespace

nlohmann::json EntropyProfile::settings() const {
  return {{"estimator", "stratified importance sampling over s"},
          {"points", options.points()},
          {"samples_per_point", options.samples_per_point()},
          {"time_sampling", options.time_sampling()},
          {"s_min", options.s_min()},
          {"t_max", t_max},
          {"seed", options.seed()}};
}

Estimate EntropyProfile::above(size_t j) const {
  TORCH_CHECK(j < curve.size(), "stratum ", j, " out of range (", curve.size(), " strata)");
  if (j == 0) return total;
  const auto& below = curve[j - 1].cumulative;
  const double var = total.std_error * total.std_error - below.std_error * below.std_error;
  return {total.value - below.value, std::sqrt(std::max(var, 0.0))};
}

EfoldGain EntropyProfile::gain_per_efold(double s_end) const {
  TORCH_CHECK(!curve.empty(), "a profile without strata has no gain per e-fold");
  size_t j = 0;
  while (j + 1 < curve.size() && curve[j + 1].s_hi <= s_end) ++j;
  const double s_lo = curve.front().s_lo, s_hi = curve[j].s_hi;
  const double efolds = std::log(s_hi / s_lo);
  const auto& gained = curve[j].cumulative;
  return {{gained.value / efolds, gained.std_error / efolds}, s_lo, s_hi};
}

std::vector<EntropyProfile> integrate_rates(const ForwardProcess& process, const IntegrandFn& integrand,
                                            int64_t columns, const torch::Tensor& data, const EntropyOptions& o) {
  TORCH_CHECK(o.points() >= 1, "entropy estimate needs points >= 1, got ", o.points());
  TORCH_CHECK(o.samples_per_point() >= 2, "entropy estimate needs samples_per_point >= 2 (for its stderr), got ",
              o.samples_per_point());
  TORCH_CHECK(o.batch_size() >= 1 && columns >= 1, "entropy estimate needs batch_size >= 1 and columns >= 1");
  // Before the per-draw tables are allocated: points × samples × columns doubles of them.
  TORCH_CHECK(o.points() <= (int64_t{1} << 24) && o.samples_per_point() <= (int64_t{1} << 30) &&
                  double(o.points()) * double(o.samples_per_point()) * double(columns) <= double(int64_t{1} << 28),
              "entropy estimate: points × samples = ", double(o.points()) * double(o.samples_per_point()),
              " draws is more than 2^28 (lower --points or --samples)");
  TORCH_CHECK(o.batch_size() <= (int64_t{1} << 24), "entropy estimate needs batch_size <= 2^24, got ", o.batch_size());
  TORCH_CHECK(data.dim() == 2 && data.size(0) >= 1, "entropy estimate needs data [N, D], got ", data.sizes());
  const TimeSampler times(process, o.time_sampling(), o.s_min());
  const int64_t k = o.points(), n = o.samples_per_point(), m = k * n;
  auto gen = make_generator(o.seed());

  // Stratum j holds u ∈ [j/K, (j+1)/K): s = F⁻¹(u), weight σ²/(2 p(s)).
  auto u = (torch::arange(k, torch::kFloat64).repeat_interleave(n) + torch::rand({m}, gen, torch::kFloat64)) / k;
  auto [s, pdf] = times.map(u);
  auto weight = (0.5 * process.diffusion(s).pow(2) / pdf).reshape({m, 1});
  auto idx = randint(data.size(0), m, gen, data.device());
  auto eps = randn({m, data.size(1)}, gen, data.options());

  // Each rank fills its own batches; the others' rows stay 0, so the sum over ranks is exact.
  auto values = torch::zeros({m, columns}, torch::kFloat64);
  {
    torch::NoGradGuard no_grad;
    for (int64_t start = 0, batch = 0; start < m; start += o.batch_size(), ++batch) {
      if (!o.group().owns(batch)) continue;
      const int64_t end = std::min(m, start + o.batch_size());
      auto st = s.slice(0, start, end).to(data.options());
      auto rows = idx.slice(0, start, end);
      auto x_s = process.sample(data.index_select(0, rows), st, eps.slice(0, start, end));
      auto f = integrand(x_s, st, rows);
      TORCH_CHECK(f.dim() == 2 && f.size(0) == end - start && f.size(1) == columns, "integrand must return [",
                  end - start, ", ", columns, "], got ", f.sizes());
      values.slice(0, start, end).copy_(f.to(torch::kCPU, torch::kFloat64));
    }
  }
  o.group().sum(values, "summing the integrands");
  TORCH_CHECK(torch::isfinite(values).all().item<bool>(), "the network returned NaN or Inf while measuring");
  auto f = (values * weight).reshape({k, n, columns});
  auto mean = f.mean(1), var = f.var(1, /*unbiased=*/true);  // [K, M]
  auto from_rows = rows_stderr(f, idx, data.size(0));

  std::vector<EntropyProfile> out(columns);
  for (int64_t c = 0; c < columns; ++c) {
    auto& p = out[c];
    p.options = o;
    p.t_max = times.t_max();
    p.rows_stderr = from_rows[c].item<double>();
    auto mc = mean.select(1, c), vc = var.select(1, c);
    p.total = {mc.sum().item<double>() / k, std::sqrt(vc.sum().item<double>() / n) / k};
    double cum = 0.0, cum_var = 0.0;
    for (int64_t j = 0; j < k; ++j) {
      const double lo = times.quantile(double(j) / k), hi = times.quantile(double(j + 1) / k);
      const double mj = mc[j].item<double>(), vj = vc[j].item<double>();
      cum += mj / k;
      cum_var += vj / n / (double(k) * k);
      const double width = (hi - lo) * k;
      p.curve.push_back({lo, hi, times.quantile((j + 0.5) / k), {mj / width, std::sqrt(vj / n) / width},
                         {cum, std::sqrt(cum_var)}});
    }
  }
  return out;
}

EntropyProfile neural_entropy(const ForwardProcess& process, const ResidualFn& residual, const torch::Tensor& data,
                              const EntropyOptions& options) {
  // Three columns on the same draws: ‖e_θ‖², the denoising form 2 e_θ·r − ‖e_θ‖² with the kernel's
  // residual r = ∇log p(x_s | x0) − ∇log p_eq(x_s) (E[r | x_s] = e), and their difference 2 e_θ·(r − e_θ),
  // so that the gap's stderr is the paired one (docs/math.md §3, "Two forms of one integral").
  auto integrand = [&](const torch::Tensor& x_s, const torch::Tensor& s, const torch::Tensor& rows) {
    auto e = residual(x_s, s);
    TORCH_CHECK(e.sizes() == x_s.sizes(), "residual must return [B, D] like its input, got ", e.sizes());
    const auto r = process.kernel_score(data.index_select(0, rows), s, x_s) - process.eq_score(x_s);
    auto norm = e.pow(2).sum(1, /*keepdim=*/true);
    auto cross = 2.0 * (e * r).sum(1, /*keepdim=*/true);
    return torch::cat({norm, cross - norm, cross - 2.0 * norm}, 1);
  };
  auto columns = integrate_rates(process, integrand, 3, data, options);
  auto profile = std::move(columns[0]);
  profile.denoising = columns[1].total;
  profile.denoising_rows_stderr = columns[1].rows_stderr;
  profile.gap_rows_stderr = columns[2].rows_stderr;
  profile.gap = columns[2].total;
  return profile;
}

}  // namespace diffinfo
