#include "diffinfo/measure/ode.h"

#include <algorithm>
#include <cmath>

namespace diffinfo {
namespace {

// Dormand–Prince 5(4) tableau (Dormand & Prince 1980), first-same-as-last.
constexpr double kC[7] = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
constexpr double kA[7][6] = {{},
                             {1.0 / 5},
                             {3.0 / 40, 9.0 / 40},
                             {44.0 / 45, -56.0 / 15, 32.0 / 9},
                             {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
                             {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
                             {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}};
// Fifth-order weights minus the embedded fourth-order ones: the local error estimate.
constexpr double kE[7] = {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40};

}  // namespace

OdeSolution solve_rk45(const OdeField& f, torch::Tensor y, double s0, double s1, const Rk45Options& o) {
  OdeSolution out;
  auto scale = [&](const torch::Tensor& a, const torch::Tensor& b) { return o.atol() + o.rtol() * torch::max(a.abs(), b.abs()); };
  // The RMS norm of each trajectory's state, worst trajectory of the batch: one RMS over the whole batch
  // (scipy's, as score_sde uses it) lets a single stiff trajectory go unresolved and blow up.
  auto rms = [](const torch::Tensor& t) { return std::sqrt(t.pow(2).mean(1).max().item<double>()); };
  auto k1 = f(s0, y);
  // Initial step as Hairer, Nørsett & Wanner (II.4): h = 0.01 ‖y‖/‖f‖, refined by one Euler probe.
  const auto sc0 = scale(y, y);
  const double d0 = rms(y / sc0), d1 = rms(k1 / sc0);
  double h = std::min((d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1, s1 - s0);
  const double d2 = rms((f(s0 + h, y + h * k1) - k1) / sc0) / h;
  const double dmax = std::max(d1, d2);
  h = std::min({100 * h, dmax <= 1e-15 ? std::max(1e-6, h * 1e-3) : std::pow(0.01 / dmax, 0.2), s1 - s0});

  double s = s0;
  while (s < s1) {
    TORCH_CHECK(out.steps + out.rejected < o.max_steps(), "the probability-flow ODE took more than ", o.max_steps(),
                " steps by s = ", s, " (rtol ", o.rtol(), ", atol ", o.atol(), "): the score is too rough to integrate");
    const bool last = h >= s1 - s;
    if (last) h = s1 - s;
    torch::Tensor k[7];
    k[0] = k1;
    for (int i = 1; i < 7; ++i) {  // stage 7 is f at the fifth-order solution (first-same-as-last)
      auto yi = y.clone();
      for (int j = 0; j < i; ++j)
        if (kA[i][j] != 0) yi.add_(k[j], h * kA[i][j]);
      if (i == 6) {
        k[6] = f(s + h, yi);
        auto err = torch::zeros_like(y);
        for (int j = 0; j < 7; ++j)
          if (kE[j] != 0) err.add_(k[j], h * kE[j]);
        const double en = rms(err / scale(y, yi));
        TORCH_CHECK(std::isfinite(en), "the probability-flow ODE met NaN or Inf at s = ", s, ": the score is not finite there");
        if (en <= 1.0) {
          s = last ? s1 : s + h;
          y = yi;
          k1 = k[6];
          ++out.steps;
          h *= en == 0 ? 10.0 : std::min(10.0, 0.9 * std::pow(en, -0.2));
        } else {
          ++out.rejected;
          h *= std::max(0.2, 0.9 * std::pow(en, -0.2));
        }
      } else {
        k[i] = f(s + kC[i] * h, yi);
      }
    }
  }
  out.y = y;
  return out;
}

OdeSolution solve_heun(const OdeField& f, torch::Tensor y, const std::vector<double>& times) {
  TORCH_CHECK(times.size() >= 2, "Heun needs at least two times");
  OdeSolution out;
  double s = times.front();
  for (size_t i = 1; i < times.size(); ++i) {
    const double next = times[i], h = next - s;
    auto k1 = f(s, y);
    auto k2 = f(next, y + h * k1);
    y = y + 0.5 * h * (k1 + k2);
    s = next;
    ++out.steps;
  }
  out.y = y;
  return out;
}

}  // namespace diffinfo
