#include "diffinfo/measure/label_posterior.h"

#include "diffinfo/random.h"

#include <algorithm>
#include <cmath>

namespace diffinfo {
namespace {

const auto kF64 = torch::kFloat64;

// [..., K] log-probabilities -> [...] entropy, nats (0 · log 0 = 0).
torch::Tensor entropy_of(const torch::Tensor& log_p) {
  return -(log_p.exp() * log_p.clamp_min(-1e30)).sum(-1);
}

// Binary entropy of probability sigmoid(logit), elementwise.
torch::Tensor binary_entropy(const torch::Tensor& logit) {
  auto log_p = torch::stack({torch::log_sigmoid(logit), torch::log_sigmoid(-logit)}, -1);
  return entropy_of(log_p);
}

// [n, S] per-trajectory values -> per-column mean ± stderr.
std::vector<Estimate> column_estimates(const torch::Tensor& values) {
  std::vector<Estimate> out;
  for (int64_t k = 0; k < values.size(1); ++k) out.push_back(mean_estimate(values.select(1, k)));
  return out;
}

// [n, S] values on the grid s -> [n, S] d/ds by differences over ±window points, one-sided at the ends.
torch::Tensor derivative(const torch::Tensor& values, const std::vector<double>& s, int64_t window) {
  const int64_t n = values.size(1);
  TORCH_CHECK(window >= 1 && n >= 2, "a rate needs window >= 1 and two points");
  auto out = torch::empty_like(values);
  for (int64_t k = 0; k < n; ++k) {
    const int64_t lo = std::max<int64_t>(k - window, 0), hi = std::min<int64_t>(k + window, n - 1);
    out.select(1, k).copy_((values.select(1, hi) - values.select(1, lo)) / (s[hi] - s[lo]));
  }
  return out;
}

// Where the peak of r at index i lies: the vertex of a least-squares parabola through the points
// around it within 80 % of its height (at least its two neighbours), so noise on a broad, flat top
// does not move it from grid point to grid point; the grid point itself when the fit is not a cap
// or its vertex falls outside those points.
double peak_vertex(const std::vector<double>& s, const std::vector<double>& r, size_t i) {
  size_t lo = i, hi = i;
  while (lo > 0 && r[lo - 1] >= 0.8 * r[i]) --lo;
  while (hi + 1 < s.size() && r[hi + 1] >= 0.8 * r[i]) ++hi;
  lo = std::min(lo, i > 0 ? i - 1 : i), hi = std::max(hi, i + 1 < s.size() ? i + 1 : i);
  if (hi - lo < 2) return s[i];
  const auto n = static_cast<int64_t>(hi - lo + 1);
  auto t = torch::tensor(std::vector<double>(s.begin() + lo, s.begin() + hi + 1), kF64);
  auto y = torch::tensor(std::vector<double>(r.begin() + lo, r.begin() + hi + 1), kF64).unsqueeze(1);
  const double centre = s[i];
  t = t - centre;  // conditioning
  auto design = torch::stack({t * t, t, torch::ones({n}, kF64)}, 1);
  auto coef = torch::linalg::solve(design.t().mm(design), design.t().mm(y), /*left=*/true).squeeze(1);  // normal equations
  const double a = coef[0].item<double>(), b = coef[1].item<double>();
  if (!(a < 0)) return s[i];
  const double vertex = centre - b / (2 * a);
  return vertex >= s[lo] && vertex <= s[hi] ? vertex : s[i];
}

}  // namespace

nlohmann::json to_json(const PosteriorOptions& o) {
  return {{"trajectories", o.trajectories()}, {"steps", o.steps()},   {"s_end", o.s_end()}, {"rate_window", o.rate_window()},
          {"generate", o.generate() < 0 ? nlohmann::json("unconditional") : nlohmann::json(o.generate())},
          {"seed", o.seed()},                 {"method", "Euler-Maruyama transitions of the reverse SDE"}};
}

PosteriorProfile label_posterior(const ForwardProcess& process, const ConditionalScoreFn& score,
                                 const torch::Tensor& prior, int64_t dim, const PosteriorOptions& o,
                                 const torch::Device& device, const LogPosteriorFn& exact) {
  TORCH_CHECK(prior.dim() == 1 && prior.size(0) >= 2, "label posterior needs [K] class probabilities, K >= 2, got ",
              prior.sizes());
  const auto pi = prior.to(torch::kCPU, kF64);
  TORCH_CHECK((pi > 0).all().item<bool>() && std::abs(pi.sum().item<double>() - 1.0) < 1e-6,
              "label posterior needs positive class probabilities summing to 1");
  const int64_t classes = pi.size(0);
  TORCH_CHECK(o.generate() >= -1 && o.generate() < classes, "generate must be -1 (unconditional) or a class 0..",
              classes - 1, ", got ", o.generate());
  TORCH_CHECK(o.trajectories() >= 2 && o.batch_size() >= 1, "label posterior needs trajectories >= 2 and batch_size >= 1");
  const auto times = sampler_times(process, SamplerOptions().steps(o.steps()).s_end(o.s_end()));
  const int64_t points = static_cast<int64_t>(times.size()), n = o.trajectories();
  const auto f32 = torch::dtype(torch::kFloat32).device(device);
  const auto pair_index = torch::triu_indices(classes, classes, 1);  // [2, K(K−1)/2]
  torch::NoGradGuard no_grad;

  PosteriorProfile out;
  out.s = times;
  out.label_entropy = entropy_of(pi.log()).item<double>();
  auto h = torch::empty({n, points}, kF64), h_exact = exact ? torch::empty({n, points}, kF64) : torch::Tensor();
  out.posterior = torch::zeros({points, classes}, kF64);
  out.versus_null = torch::zeros({points, classes}, kF64);
  out.pairs = torch::zeros({points, pair_index.size(1)}, kF64);

  for (int64_t start = 0, chunk = 0; start < n; start += o.batch_size(), ++chunk) {
    const int64_t b = std::min(n, start + o.batch_size()) - start;
    auto gen = make_generator(derive_seed(o.seed(), static_cast<uint64_t>(chunk)));
    auto x = process.sample_prior(b, dim, gen, f32);
    auto log_post = pi.log().unsqueeze(0).expand({b, classes}).clone();     // [b, K] log P(c | x)
    auto odds = (pi.log() - (1 - pi).log()).unsqueeze(0).expand({b, classes}).clone();  // c vs null
    auto record = [&](int64_t k) {
      h.slice(0, start, start + b).select(1, k).copy_(entropy_of(log_post));
      out.posterior[k] += log_post.exp().sum(0);
      out.versus_null[k] += binary_entropy(odds).sum(0);
      auto pair_logit = log_post.index_select(1, pair_index[0]) - log_post.index_select(1, pair_index[1]);
      out.pairs[k] += binary_entropy(pair_logit).sum(0);
      if (exact) {
        auto st = torch::full({b, 1}, times[k], f32);
        h_exact.slice(0, start, start + b).select(1, k).copy_(entropy_of(exact(x, st).to(torch::kCPU, kF64)));
      }
    };
    record(0);
    for (int64_t k = 0; k + 1 < points; ++k) {
      const double s = times[k], ds = times[k + 1] - s;  // ds < 0
      const auto sch = process.at(s);
      const double var = sch.sigma * sch.sigma * -ds;  // of the Gaussian step
      auto st = torch::full({b, 1}, s, f32);
      std::vector<torch::Tensor> class_scores;
      for (int64_t c = 0; c < classes; ++c)
        class_scores.push_back(score(x, st, Condition(torch::full({b}, c, torch::dtype(torch::kInt64).device(device)))));
      auto null_score = score(x, st, Condition());
      const auto& drive = o.generate() < 0 ? null_score : class_scores[o.generate()];
      // x_next − m_c = n + g_c, the step's noise n = √var ξ plus the gap of the means
      // g_c = |ds| σ² (s_drive − s_c). log N(x_next; m_c, var) = −(‖n‖² + 2n·g_c + ‖g_c‖²)/(2 var) + const;
      // ‖n‖² is common to every class and cancels, so only the small terms are formed (no cancellation
      // in float32, and only [b] numbers leave the device).
      auto noise = std::sqrt(var) * randn({b, dim}, gen, f32);
      auto log_step = [&](const torch::Tensor& sc) {
        auto g = (-ds * sch.sigma * sch.sigma) * (drive - sc);
        return (-(2.0 * (noise * g).sum(1) + g.pow(2).sum(1)) / (2.0 * var)).to(torch::kCPU, kF64);
      };
      std::vector<torch::Tensor> ll;
      for (const auto& sc : class_scores) ll.push_back(log_step(sc));
      auto ll_c = torch::stack(ll, 1);  // [b, K]
      log_post = torch::log_softmax(log_post + ll_c, 1);
      odds += ll_c - log_step(null_score).unsqueeze(1);
      x = x + ds * (sch.phi * x - sch.sigma * sch.sigma * drive) + noise;
      record(k + 1);
    }
  }
  TORCH_CHECK(torch::isfinite(h).all().item<bool>(), "the label posterior produced NaN or Inf (try more --steps)");
  out.posterior /= static_cast<double>(n);
  out.versus_null /= static_cast<double>(n);
  out.pairs /= static_cast<double>(n);
  out.rate_window = o.rate_window() > 0 ? o.rate_window() : std::max<int64_t>(1, o.steps() / 100);
  out.entropy = column_estimates(h);
  out.rate = column_estimates(derivative(h, times, out.rate_window));
  if (exact) {
    out.exact_entropy = column_estimates(h_exact);
    out.exact_rate = column_estimates(derivative(h_exact, times, out.rate_window));
    out.gap = column_estimates(h - h_exact);
  }
  return out;
}

std::vector<double> curve_rate(const std::vector<double>& s, const std::vector<double>& h, int64_t window) {
  TORCH_CHECK(s.size() == h.size(), "curve_rate needs one value per time");
  auto d = derivative(torch::tensor(h, kF64).unsqueeze(0), s, window).squeeze(0);
  return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

std::vector<DecisionWindow> decision_windows(const std::vector<double>& s_in, const std::vector<double>& rate_in,
                                             double min_fraction) {
  TORCH_CHECK(s_in.size() == rate_in.size(), "decision_windows needs one rate per time");
  // Sort by s ascending.
  std::vector<size_t> order(s_in.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s_in[a] < s_in[b]; });
  std::vector<double> s, r;
  for (auto i : order) s.push_back(s_in[i]), r.push_back(std::abs(rate_in[i]));
  const size_t n = s.size();
  std::vector<DecisionWindow> out;
  if (n < 3) return out;
  const double top = *std::max_element(r.begin(), r.end());
  if (!(top > 0)) return out;
  // Candidates: local maxima at or above min_fraction of the top, largest first.
  std::vector<size_t> peaks;
  for (size_t i = 0; i < n; ++i)
    if (r[i] >= min_fraction * top && (i == 0 || r[i] >= r[i - 1]) && (i + 1 == n || r[i] >= r[i + 1])) peaks.push_back(i);
  std::sort(peaks.begin(), peaks.end(), [&](size_t a, size_t b) { return r[a] > r[b]; });
  std::vector<std::pair<double, double>> taken;  // half-maximum intervals of accepted peaks
  for (auto i : peaks) {
    const double half = 0.5 * r[i];
    // Walk out to the half maximum on each side, interpolating linearly in s.
    size_t lo = i, hi = i;
    while (lo > 0 && r[lo - 1] >= half) --lo;
    while (hi + 1 < n && r[hi + 1] >= half) ++hi;
    double left = s[lo], right = s[hi];
    if (lo > 0) left = s[lo - 1] + (half - r[lo - 1]) / (r[lo] - r[lo - 1]) * (s[lo] - s[lo - 1]);
    if (hi + 1 < n) right = s[hi] + (r[hi] - half) / (r[hi] - r[hi + 1]) * (s[hi + 1] - s[hi]);
    const bool overlaps = std::any_of(taken.begin(), taken.end(),
                                      [&](const auto& t) { return left < t.second && right > t.first; });
    if (overlaps) continue;
    taken.emplace_back(left, right);
    out.push_back({peak_vertex(s, r, i), right - left, rate_in[order[i]]});
  }
  return out;
}

}  // namespace diffinfo
