#include "diffinfo/measure/thermodynamics.h"

#include "diffinfo/random.h"

#include <cmath>

namespace diffinfo {

EntropyProduction entropy_production(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data,
                                     const EntropyOptions& options, const DivergenceOptions& divergence) {
  validate(divergence);
  TORCH_CHECK(data.dim() == 2 && data.size(0) >= 1, "entropy production needs data [N, D], got ", data.sizes());
  const double d = static_cast<double>(data.size(1));
  auto gen = make_generator(derive_seed(options.seed(), 7));
  // integrate_rates weighs each column by σ²/2, so a rate R enters as (2/σ²) R.
  auto integrand = [&](const torch::Tensor& x_s, const torch::Tensor& s, const torch::Tensor&) {
    auto x = x_s.to(torch::kFloat64), t = s.to(torch::kFloat64);
    auto [sc, div] = value_and_divergence([&](const torch::Tensor& z) { return score(z, t); }, x,
                                          divergence_probes(divergence, x, gen));
    auto phi = process.drift_coef(t), var = process.diffusion(t).pow(2);  // [B, 1]
    auto b = phi * x;
    auto bb = b.pow(2).sum(1, true), bs = (b * sc).sum(1, true), sn = sc.pow(2).sum(1, true);
    auto dv = div.unsqueeze(1), phid = phi * d;
    auto k = 2.0 / var;
    std::vector<torch::Tensor> rates = {
        k * bb - 2 * bs + 0.5 * var * sn,                                        // Ṡ^i, norm form
        -k * bb + 3 * bs - var * sn,                                             // Ṡ^e
        bs - 0.5 * var * sn,                                                     // Ṡ
        k * bb - 4 * bs + 2 * var * sn - 2 * phid + 1.5 * var * dv,              // Ṡ^i, divergence form
        -k * bb + 4 * bs - 2 * var * sn + phid - var * dv,                       // Ṡ^e
        -phid + 0.5 * var * dv,                                                  // Ṡ
    };
    for (auto& r : rates) r = k * r;
    rates.push_back(sn);
    rates.push_back(-dv);
    rates.push_back(sn + dv);
    return torch::cat(rates, 1);
  };
  auto p = integrate_rates(process, integrand, 9, data, options);
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], divergence};
}

nlohmann::json production_totals(const EntropyProduction& p) {
  auto form = [](const EntropyProfile& i, const EntropyProfile& e, const EntropyProfile& s) {
    return nlohmann::json{{"intrinsic", to_json(i.total)},
                          {"exchange", to_json(e.total)},
                          {"system", to_json(s.total)},
                          {"exchange_over_intrinsic", e.total.value / i.total.value}};
  };
  return {{"divergence_form", form(p.intrinsic_div, p.exchange_div, p.system_div)},
          {"norm_form", form(p.intrinsic, p.exchange, p.system)},
          {"stein", {{"score_norm", to_json(p.score_norm.total)},
                     {"score_divergence", to_json(p.score_divergence.total)},
                     {"difference", to_json(p.stein.total)},
                     {"relative_difference", p.stein.total.value / p.score_divergence.total.value}}}};
}

ThermodynamicBound thermodynamic_bound(const EntropyProfile& system, const Estimate& data_entropy, double prior_entropy) {
  ThermodynamicBound b;
  b.data_entropy = data_entropy;
  b.prior_entropy = prior_entropy;
  b.entropy_change = {-system.total.value, system.total.std_error};
  b.value = {0.5 * (data_entropy.value + prior_entropy) - 0.5 * b.entropy_change.value,
             0.5 * std::hypot(data_entropy.std_error, system.total.std_error)};
  return b;
}

nlohmann::json ThermodynamicBound::to_json() const {
  return {{"value", value.value},
          {"stderr", value.std_error},
          {"data_entropy", diffinfo::to_json(data_entropy)},
          {"prior_entropy", prior_entropy},
          {"entropy_change", diffinfo::to_json(entropy_change)}};
}

}  // namespace diffinfo
