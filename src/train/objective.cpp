#include "diffinfo/train/objective.h"

#include "diffinfo/random.h"

namespace diffinfo {

std::vector<std::string> weighting_names() { return {"likelihood", "noise", "none"}; }

DenoisingObjective::DenoisingObjective(const ForwardProcess& process, const ObjectiveOptions& options)
    : process_(process), options_(options), times_(process, options.time_sampling(), options.s_min()) {
  const auto& w = options.weighting();
  TORCH_CHECK(w == "likelihood" || w == "noise" || w == "none", "weighting '", w,
              "' not found; known: likelihood, noise, none");
  TORCH_CHECK(options.p_uncond() >= 0 && options.p_uncond() < 1, "p_uncond must lie in [0, 1), got ", options.p_uncond());
}

torch::Tensor DenoisingObjective::weighting(const torch::Tensor& s) const {
  if (options_.weighting() == "likelihood") return 0.5 * process_.diffusion(s).pow(2);
  if (options_.weighting() == "noise") return process_.kernel_var(s);
  return torch::ones_like(s);
}

torch::Tensor DenoisingObjective::loss(const ScoreModel& model, const torch::Tensor& x0, torch::Generator& gen,
                                       const torch::Tensor& cond) const {
  const int64_t b = x0.size(0);
  auto [s, pdf] = times_.map(rand({b}, gen, torch::kFloat64));
  // λ(s)/p(s) ‖s_θ + ε/√Σ‖² = λ/(p Σ) ‖√Σ s_θ + ε‖²: evaluated at the O(1) scale.
  auto w = (weighting(s) / (pdf * process_.kernel_var(s))).to(x0.options());
  auto eps = randn(x0.sizes(), gen, x0.options());
  auto st = s.to(x0.options());
  auto x_s = process_.sample(x0, st, eps);
  Condition c;
  if (cond.defined()) c = {cond, rand({b}, gen, torch::dtype(torch::kFloat64).device(x0.device())) >= options_.p_uncond()};
  auto r = model.scaled_score(x_s, st, c) + eps;
  if (const auto mask = model.modelled(c, x_s); mask.defined()) r = r * mask;  // a joint model's block only
  return (w.squeeze(1) * r.pow(2).sum(1)).mean();
}

}  // namespace diffinfo
