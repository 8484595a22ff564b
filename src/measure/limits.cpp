#include "diffinfo/measure/limits.h"

#include <cmath>

namespace diffinfo {

Limits measure_limits(const ForwardProcess& process, const ScoreFn& score, const torch::Tensor& data,
                      const Estimate& data_entropy, const LimitsOptions& o) {
  Limits l;
  l.nll = ode_likelihood(process, score, data, o.likelihood());
  l.denoising = denoising_bound(process, score, data, o.quadrature());
  if (o.ddpm_steps() > 0 && process.name() == "vp")
    l.ddpm = ddpm_elbo(process, score, data, o.ddpm_steps(), o.quadrature().seed());
  l.production = entropy_production(process, score, data, o.quadrature(), o.likelihood().divergence());
  const double s1 = process.prior_entropy(data.size(1));
  l.bound = thermodynamic_bound(l.production.system_div, data_entropy, s1);
  l.bound_norm = thermodynamic_bound(l.production.system, data_entropy, s1);
  // Escaped trajectories (likelihood.h) would dominate the mean: the gap and orderings leave them out.
  const auto& nll = l.nll.nll_kept;
  l.gap = {nll.value - l.bound.value.value, std::hypot(nll.std_error, l.bound.value.std_error)};
  return l;
}

nlohmann::json Limits::to_json() const {
  nlohmann::json j = {{"nll", diffinfo::to_json(nll.nll)},
                      {"nfe", nll.nfe},
                      {"escaped", {{"count", nll.escaped.numel()},
                                   {"rows", std::vector<int64_t>(nll.escaped.data_ptr<int64_t>(),
                                                                 nll.escaped.data_ptr<int64_t>() + std::min<int64_t>(nll.escaped.numel(), 20))},
                                   {"nll_without", diffinfo::to_json(nll.nll_kept)},
                                   {"criterion", "|x_T|^2 / prior variance > D + 10 sqrt(2D) + 50"}}},
                      {"solver", nll.settings()},
                      {"denoising_bound", denoising.to_json()},
                      {"ddpm_elbo", ddpm ? ddpm->to_json() : nlohmann::json()},
                      {"thermodynamic_bound", bound.to_json()},
                      {"gap", diffinfo::to_json(gap)}};
  j["thermodynamic_bound"]["form"] = "divergence";
  j["thermodynamic_bound"]["norm_form"] = bound_norm.to_json();
  j["entropy_production"] = production_totals(production);
  j["orderings"] = {{"bound_le_nll", bound.value.value <= nll.nll_kept.value},
                    {"nll_le_denoising_bound", nll.nll_kept.value <= denoising.total.value},
                    {"nll", "without escaped rows"}};
  return j;
}

}  // namespace diffinfo
