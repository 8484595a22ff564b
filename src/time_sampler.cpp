#include "diffinfo/time_sampler.h"

#include "diffinfo/names.h"
#include <algorithm>
#include <cmath>

namespace diffinfo {

std::vector<double> reverse_times(const ForwardProcess& process, int64_t steps, double s_end) {
  TORCH_CHECK(steps >= 1, "sampler needs steps >= 1, got ", steps);
  TORCH_CHECK(s_end > 0 && s_end < process.t_max(), "sampler needs 0 < s_end < T, got ", s_end);
  const TimeSampler law(process, "importance", s_end);
  std::vector<double> s;
  for (int64_t k = 0; k <= steps; ++k) s.push_back(law.quantile(1.0 - double(k) / double(steps)));
  return s;
}

std::vector<double> time_grid(double s_min, double t_max, int n) {
  TORCH_CHECK(s_min > 0 && s_min < 0.5 * t_max, "time grid needs 0 < s_min < T/2, got s_min ", s_min,
              ", T ", t_max);
  TORCH_CHECK(n >= 4, "time grid needs at least 4 cells, got ", n);
  const int half = n / 2;
  const double mid = 0.5 * t_max;
  const double tail = 1e-6 * t_max;  // finest spacing below T
  std::vector<double> grid;
  grid.reserve(n + 2);
  for (int i = 0; i < half; ++i) grid.push_back(s_min * std::pow(mid / s_min, double(i) / half));
  for (int j = 0; j < n - half; ++j) grid.push_back(t_max - (t_max - mid) * std::pow(tail / (t_max - mid), double(j) / (n - half)));
  grid.push_back(t_max);
  return grid;
}

double integrate_time(const std::function<double(double)>& f, double s_min, double t_max, int n) {
  const auto grid = time_grid(s_min, t_max, n);
  double total = 0.0, prev = f(grid[0]);
  for (size_t i = 1; i < grid.size(); ++i) {
    const double cur = f(grid[i]);
    total += 0.5 * (prev + cur) * (grid[i] - grid[i - 1]);
    prev = cur;
  }
  return total;
}

std::vector<std::string> time_sampling_names() { return {"importance", "uniform"}; }

TimeSampler::TimeSampler(const ForwardProcess& process, const std::string& kind, double s_min, int grid)
    : kind_(kind) {
  const double t_max = process.t_max();
  if (kind == "uniform") {
    TORCH_CHECK(s_min > 0 && s_min < t_max, "s_min must lie in (0, T), got ", s_min);
    edges_ = {s_min, t_max};
    cdf_ = {0.0, 1.0};
  } else if (kind == "importance") {
    // Cell masses of σ²/Σ by the trapezoid rule; the sampler below is exactly this table's law.
    edges_ = time_grid(s_min, t_max, grid);
    auto s = torch::tensor(edges_, torch::kFloat64);
    auto density = process.diffusion(s).pow(2) / process.kernel_var(s);
    auto d = density.contiguous();
    const double* p = d.data_ptr<double>();
    cdf_.assign(edges_.size(), 0.0);
    for (size_t i = 1; i < edges_.size(); ++i)
      cdf_[i] = cdf_[i - 1] + 0.5 * (p[i] + p[i - 1]) * (edges_[i] - edges_[i - 1]);
    const double total = cdf_.back();
    TORCH_INTERNAL_ASSERT(std::isfinite(total) && total > 0, "importance density does not integrate");
    for (auto& c : cdf_) c /= total;
  } else {
    TORCH_CHECK(false, unknown_name("time sampling", kind, time_sampling_names()));
  }
}

std::pair<torch::Tensor, torch::Tensor> TimeSampler::map(const torch::Tensor& u) const {
  // A plain loop: for a training batch this is cheaper than a dozen tensor dispatches.
  auto uu = u.to(torch::kCPU, torch::kFloat64).reshape({-1}).contiguous();
  const int64_t n = uu.numel();
  auto s = torch::empty({n, 1}, torch::kFloat64), pdf = torch::empty({n, 1}, torch::kFloat64);
  const double* in = uu.data_ptr<double>();
  double* s_out = s.data_ptr<double>();
  double* p_out = pdf.data_ptr<double>();
  const auto cells = static_cast<std::ptrdiff_t>(edges_.size()) - 1;
  for (int64_t i = 0; i < n; ++i) {
    const double v = std::clamp(in[i], 0.0, 1.0);
    const auto j = std::clamp<std::ptrdiff_t>(std::upper_bound(cdf_.begin(), cdf_.end(), v) - cdf_.begin() - 1, 0, cells - 1);
    const double mass = cdf_[j + 1] - cdf_[j], width = edges_[j + 1] - edges_[j];
    s_out[i] = edges_[j] + (v - cdf_[j]) / mass * width;
    p_out[i] = mass / width;
  }
  return {s, pdf};
}

double TimeSampler::quantile(double u) const {
  auto [s, pdf] = map(torch::tensor({u}, torch::kFloat64));
  return s.item<double>();
}

}  // namespace diffinfo
