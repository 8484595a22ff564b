#include "diffinfo/analytic/bmi.h"

#include "diffinfo/info/gaussian.h"
#include "diffinfo/names.h"

#include <cmath>
#include <stdexcept>

namespace diffinfo {
namespace bmi {
namespace {
const auto kF64 = torch::kFloat64;
}  // namespace

torch::Tensor half_cube(const torch::Tensor& x) { return x * x.abs().sqrt(); }

torch::Tensor normal_cdf(const torch::Tensor& x) { return 0.5 * torch::erfc(-x / std::sqrt(2.0)); }

torch::Tensor wiggly_x(const torch::Tensor& x) {
  return x + 0.4 * torch::sin(x) + 0.2 * torch::sin(1.7 * x + 1.0) + 0.03 * torch::sin(3.3 * x - 2.5);
}

torch::Tensor wiggly_y(const torch::Tensor& y) {
  return y - 0.4 * torch::sin(0.4 * y) + 0.17 * torch::sin(1.3 * y + 3.5) + 0.02 * torch::sin(4.3 * y - 2.5);
}

torch::Tensor spiral(const torch::Tensor& x, int64_t i, int64_t j, double speed) {
  TORCH_CHECK(x.dim() == 2 && i < j && j < x.size(1), "spiral needs [n, D] rows with D > ", j);
  auto theta = speed * x.pow(2).sum(1);
  auto c = torch::cos(theta), s = torch::sin(theta);
  auto xi = x.select(1, i), xj = x.select(1, j);
  auto out = x.clone();
  out.select(1, i).copy_(c * xi - s * xj);
  out.select(1, j).copy_(s * xi + c * xj);
  return out;
}

torch::Tensor swissroll(const torch::Tensor& u) {
  TORCH_CHECK(u.dim() == 2 && u.size(1) == 1, "the Swiss roll maps a 1-D variable");
  auto t = 1.5 * M_PI * (1.0 + 2.0 * u);
  return torch::cat({t * torch::cos(t), t * torch::sin(t)}, 1) / 21.0;
}

torch::Tensor mixture_icdf(const torch::Tensor& u, const std::vector<double>& weights, const std::vector<double>& means) {
  auto cdf = [&](const torch::Tensor& x) {
    auto f = torch::zeros_like(x);
    for (size_t k = 0; k < weights.size(); ++k) f += weights[k] * normal_cdf(x - means[k]);
    return f;
  };
  auto lo = torch::full_like(u, -10.0), hi = torch::full_like(u, 10.0);
  for (int it = 0; it < 64; ++it) {  // 20 / 2^64: below double precision
    auto mid = 0.5 * (lo + hi);
    auto below = cdf(mid) < u;
    lo = torch::where(below, mid, lo);
    hi = torch::where(below, hi, mid);
  }
  return 0.5 * (lo + hi);
}

double student_t_mutual_information(int64_t dx, int64_t dy, double df) {
  auto f = [](double k) { return std::lgamma(k / 2) - k / 2 * torch::digamma(torch::tensor(k / 2, kF64)).item<double>(); };
  const double x = static_cast<double>(dx), y = static_cast<double>(dy);
  return f(df) + f(df + x + y) - f(df + x) - f(df + y);
}

}  // namespace bmi

namespace {

const auto kF64 = torch::kFloat64;

// (X, Y) jointly normal with correlation matrix `cov` [dx + dy, dx + dy].
Synthetic split_normal(const torch::Tensor& cov, int64_t dx, int64_t n, torch::Generator& gen) {
  auto z = torch::randn({n, cov.size(0)}, gen, kF64).mm(torch::linalg_cholesky(cov).t());
  return {z.slice(1, 0, dx).contiguous(), z.slice(1, dx).contiguous(), {},
          {{"mutual_information", gaussian_mutual_information(cov, dx)}}};
}

std::vector<int64_t> numbers(const std::string& s, const std::string& task) {
  std::vector<int64_t> out;
  size_t at = 0;
  while (at < s.size()) {
    const auto dash = s.find('-', at);
    out.push_back(std::stoll(s.substr(at, dash - at)));
    if (dash == std::string::npos) break;
    at = dash + 1;
  }
  if (out.empty()) throw std::invalid_argument("bmi task '" + task + "': no dimensions");
  return out;
}

bool starts(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

Synthetic base_law(const std::string& id, int64_t n, torch::Generator& gen) {
  Synthetic out;
  if (id == "1v1-normal-0.75") {
    out = split_normal(torch::tensor({{1.0, 0.75}, {0.75, 1.0}}, kF64), 1, n, gen);
    out.spec["gaussian_correlation"] = 0.75;
  } else if (id == "1v1-additive-0.1" || id == "1v1-additive-0.75") {
    const double e = id == "1v1-additive-0.1" ? 0.1 : 0.75;
    out.x = torch::rand({n, 1}, gen, kF64);
    out.y = out.x + e * (2.0 * torch::rand({n, 1}, gen, kF64) - 1.0);
    // I = h(Y) − ln 2ε with Y's trapezoidal density: ε − ln 2ε for ε ≤ ½, 1/(4ε) beyond.
    out.spec = {{"mutual_information", e <= 0.5 ? e - std::log(2 * e) : 1.0 / (4 * e)}, {"epsilon", e}};
  } else if (id == "1v1-bimodal-0.75") {
    out = base_law("1v1-normal-0.75", n, gen);
    out.x = bmi::mixture_icdf(bmi::normal_cdf(out.x), {0.3, 0.7}, {0.0, 5.0});
    out.y = bmi::mixture_icdf(bmi::normal_cdf(out.y), {0.5, 0.5}, {-1.0, 3.0});
  } else if (starts(id, "multinormal-dense-") || starts(id, "multinormal-sparse-")) {
    const bool dense = starts(id, "multinormal-dense-");
    const auto p = numbers(id.substr(dense ? 18 : 19), id);
    const int64_t dx = p.at(0), dy = p.at(1);
    torch::Tensor cov;
    if (dense) {  // every correlation 0.5
      cov = torch::full({dx + dy, dx + dy}, 0.5, kF64) + 0.5 * torch::eye(dx + dy, kF64);
    } else {  // the benchmark's sparse latent model, strength λ = η = 2: corr(X_i, Y_i) = λ²/(1 + λ²) for i < 2
      cov = torch::eye(dx + dy, kF64);
      for (int64_t i = 0; i < 2; ++i) cov[i][dx + i] = cov[dx + i][i] = 0.8;
    }
    out = split_normal(cov, dx, n, gen);
  } else if (starts(id, "student-identity-")) {
    const auto p = numbers(id.substr(17), id);
    const int64_t dx = p.at(0), dy = p.at(1), df = p.at(2);
    auto z = torch::randn({n, dx + dy}, gen, kF64);
    auto chi2 = torch::randn({n, df}, gen, kF64).pow(2).sum(1, true);  // χ² with df degrees of freedom
    auto t = z / (chi2 / static_cast<double>(df)).sqrt();
    out.x = t.slice(1, 0, dx).contiguous();
    out.y = t.slice(1, dx).contiguous();
    out.spec = {{"mutual_information", bmi::student_t_mutual_information(dx, dy, static_cast<double>(df))},
                {"degrees_of_freedom", df}};
  } else {
    throw std::logic_error("bmi: no base law " + id);
  }
  return out;
}

// Applies the task id's prefixes to its base law, innermost first.
Synthetic build(const std::string& id, int64_t n, torch::Generator& gen) {
  struct Map {
    const char* prefix;
    void (*apply)(Synthetic&);
  };
  static const Map maps[] = {
      {"normal-cdf-", [](Synthetic& s) { s.x = bmi::normal_cdf(s.x), s.y = bmi::normal_cdf(s.y); }},
      {"half_cube-", [](Synthetic& s) { s.x = bmi::half_cube(s.x), s.y = bmi::half_cube(s.y); }},
      {"asinh-", [](Synthetic& s) { s.x = torch::asinh(s.x), s.y = torch::asinh(s.y); }},
      {"wiggly-", [](Synthetic& s) { s.x = bmi::wiggly_x(s.x), s.y = bmi::wiggly_y(s.y); }},
      {"spiral-", [](Synthetic& s) { s.x = bmi::spiral(s.x, 0, 1, 1.0 / 3), s.y = bmi::spiral(s.y, 1, 2, 1.0 / 3); }},
      {"swissroll_x-", [](Synthetic& s) { s.x = bmi::swissroll(s.x); }},
  };
  for (const auto& m : maps) {
    if (!starts(id, m.prefix)) continue;
    auto s = build(id.substr(std::string(m.prefix).size()), n, gen);
    m.apply(s);
    return s;
  }
  return base_law(id, n, gen);
}

}  // namespace

std::vector<std::string> bmi_task_names() {
  std::vector<std::string> t = {"1v1-normal-0.75",      "normal-cdf-1v1-normal-0.75", "1v1-additive-0.1",
                                "1v1-additive-0.75",    "1v1-bimodal-0.75",           "wiggly-1v1-normal-0.75",
                                "half_cube-1v1-normal-0.75", "student-identity-1-1-1", "asinh-student-identity-1-1-1",
                                "swissroll_x-normal-cdf-1v1-normal-0.75"};
  for (int d : {2, 3, 5, 25, 50}) t.push_back("multinormal-dense-" + std::to_string(d) + "-" + std::to_string(d) + "-0.5");
  const auto sparse = [](int d) { return "multinormal-sparse-" + std::to_string(d) + "-" + std::to_string(d) + "-2-2.0"; };
  for (int d : {2, 3, 5, 25}) t.push_back(sparse(d));
  for (const char* s : {"2-2-1", "2-2-2", "3-3-2", "3-3-3", "5-5-2", "5-5-3"}) t.push_back(std::string("student-identity-") + s);
  for (const char* map : {"normal-cdf-", "half_cube-", "spiral-", "spiral-normal-cdf-"})
    for (int d : {3, 5, 25}) t.push_back(map + sparse(d));
  for (const char* s : {"2-2-1", "3-3-2", "5-5-2"}) t.push_back(std::string("asinh-student-identity-") + s);
  return t;
}

Synthetic make_bmi(const std::string& task, int64_t n, torch::Generator& gen) {
  if (!is_known(bmi_task_names(), task)) throw std::invalid_argument(unknown_name("bmi task", task, bmi_task_names()));
  if (n < 1) throw std::invalid_argument("bmi data needs n >= 1");
  Synthetic out = build(task, n, gen);
  out.spec["type"] = "bmi";
  out.spec["task"] = task;
  out.spec["dim_x"] = out.x.size(1);
  out.spec["dim_y"] = out.y.size(1);
  out.spec["truth"] = "closed form of the base law; invariant under the task's invertible maps";
  out.spec["source"] = "Czyż et al. 2023, Beyond Normal: On the Evaluation of Mutual Information Estimators "
                       "(NeurIPS 2023), task list of cbg-ethz/bmi";
  return out;
}

}  // namespace diffinfo
