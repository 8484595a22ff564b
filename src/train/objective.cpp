#include "diffinfo/train/objective.h"

#include "diffinfo/names.h"
#include "diffinfo/random.h"

namespace diffinfo {

std::vector<std::string> weighting_names() { return {"likelihood", "noise", "none"}; }

DenoisingObjective::DenoisingObjective(const ForwardProcess& process, const ObjectiveOptions& options)
    : process_(process), options_(options), times_(process, options.time_sampling(), options.s_min()) {
  const auto& w = options.weighting();
  TORCH_CHECK(is_known(weighting_names(), w), unknown_name("weighting", w, weighting_names()));
  TORCH_CHECK(options.p_uncond() >= 0 && options.p_uncond() < 1, "p_uncond must lie in [0, 1), got ", options.p_uncond());
  TORCH_CHECK(options.null_consistency() >= 0, "null_consistency must be >= 0, got ", options.null_consistency());
}

torch::Tensor DenoisingObjective::weighting(const torch::Tensor& s) const {
  if (options_.weighting() == "likelihood") return 0.5 * process_.diffusion(s).pow(2);
  if (options_.weighting() == "noise") return process_.kernel_var(s);
  return torch::ones_like(s);
}

DenoisingObjective::Draw DenoisingObjective::noise(const torch::Tensor& x0, torch::Generator& gen, const torch::Tensor& cond,
                                                   BatchShare share, torch::Tensor& eps) const {
  const int64_t b = x0.size(0);
  Draw d;
  auto [s, pdf] = times_.map(rand({b}, gen, torch::kFloat64));
  // λ(s)/p(s) ‖s_θ + ε/√Σ‖² = λ/(p Σ) ‖√Σ s_θ + ε‖²: evaluated at the O(1) scale.
  d.w = (weighting(s) / (pdf * process_.kernel_var(s))).to(x0.options()).squeeze(1);  // [B]
  eps = randn(x0.sizes(), gen, x0.options());
  d.s = s.to(x0.options());
  d.x_s = process_.sample(x0, d.s, eps);
  if (cond.defined()) d.cond = {cond, rand({b}, gen, torch::dtype(torch::kFloat64).device(x0.device())) >= options_.p_uncond()};
  if (share.end >= 0) {  // every draw was made for the whole batch; the network sees the share's rows
    const int64_t n = share.end - share.begin;
    d.s = d.s.narrow(0, share.begin, n), d.w = d.w.narrow(0, share.begin, n);
    d.x_s = d.x_s.narrow(0, share.begin, n), eps = eps.narrow(0, share.begin, n);
    if (cond.defined()) d.cond = {cond.narrow(0, share.begin, n), d.cond.keep.narrow(0, share.begin, n)};
  }
  return d;
}

void DenoisingObjective::evaluate(const ScoreModel& model, Draw& d, const torch::Tensor& eps) const {
  d.out = model.scaled_score(d.x_s, d.s, d.cond);
  auto r = d.out + eps;
  if (const auto mask = model.modelled(d.cond, d.x_s); mask.defined()) r = r * mask;  // a joint model's block only
  d.rows = d.w * r.pow(2).sum(1);
}

DenoisingObjective::Draw DenoisingObjective::draw(const ScoreModel& model, const torch::Tensor& x0, torch::Generator& gen,
                                                  const torch::Tensor& cond, BatchShare share) const {
  torch::Tensor eps;
  auto d = noise(x0, gen, cond, share, eps);
  evaluate(model, d, eps);
  return d;
}

DenoisingObjective::BranchRows DenoisingObjective::branch_rows(const ScoreModel& model, const torch::Tensor& x0,
                                                               torch::Generator& gen, const torch::Tensor& cond) const {
  TORCH_CHECK(cond.defined(), "branch_rows needs a condition");
  torch::Tensor eps;
  auto d = noise(x0, gen, cond, {}, eps);
  BranchRows rows;
  d.cond = Condition(cond);  // every row with its own condition
  evaluate(model, d, eps);
  rows.conditional = d.rows;
  d.cond = Condition();  // the null condition
  evaluate(model, d, eps);
  rows.null = d.rows;
  return rows;
}

torch::Tensor DenoisingObjective::row_losses(const ScoreModel& model, const torch::Tensor& x0, torch::Generator& gen,
                                             const torch::Tensor& cond) const {
  return draw(model, x0, gen, cond).rows;
}

torch::Tensor DenoisingObjective::loss(const ScoreModel& model, const torch::Tensor& x0, torch::Generator& gen,
                                       const torch::Tensor& cond, BatchShare share) const {
  const int64_t b = x0.size(0);
  const auto d = draw(model, x0, gen, cond, share);
  auto loss = share.end < 0 ? d.rows.mean() : d.rows.sum() / static_cast<double>(b);
  if (cond.defined() && options_.null_consistency() > 0) {
    // The null rows' own conditions give a target without ε: one forward pass over those rows, no backward
    // (nonzero waits for a GPU once a step; only runs with the option pay that).
    const auto dropped = d.cond.keep.logical_not().nonzero().squeeze(1);
    if (dropped.numel() > 0) {
      torch::Tensor target;
      {
        torch::NoGradGuard no_grad;
        target = model.scaled_score(d.x_s.index_select(0, dropped), d.s.index_select(0, dropped),
                                    Condition(d.cond.value).rows(dropped));  // each row's own condition
      }
      const auto gap = (d.out.index_select(0, dropped) - target).pow(2).sum(1);
      loss = loss + options_.null_consistency() * (d.w.index_select(0, dropped) * gap).sum() / static_cast<double>(b);
    }
  }
  return loss;
}

}  // namespace diffinfo
