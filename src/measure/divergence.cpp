#include "diffinfo/measure/divergence.h"

#include "diffinfo/names.h"
#include "diffinfo/random.h"

namespace diffinfo {

std::vector<std::string> divergence_names() { return {"exact", "hutchinson"}; }
std::vector<std::string> probe_names() { return {"rademacher", "gaussian"}; }

void validate(const DivergenceOptions& o) {
  TORCH_CHECK(is_known(divergence_names(), o.method()), unknown_name("divergence", o.method(), divergence_names()));
  TORCH_CHECK(is_known(probe_names(), o.probe()), unknown_name("probe", o.probe(), probe_names()));
  TORCH_CHECK(o.probes() >= 1, "Hutchinson needs probes >= 1, got ", o.probes());
}

torch::Tensor divergence_probes(const DivergenceOptions& o, const torch::Tensor& like, torch::Generator& gen) {
  validate(o);
  if (o.method() == "exact") return {};
  std::vector<int64_t> shape{o.probes(), like.size(0), like.size(1)};
  auto z = randn(shape, gen, like.options());
  return o.probe() == "gaussian" ? z : torch::sign(z) + (z == 0).to(z.dtype());  // Rademacher: ±1
}

std::pair<torch::Tensor, torch::Tensor> value_and_divergence(const std::function<torch::Tensor(const torch::Tensor&)>& f,
                                                             const torch::Tensor& x, const torch::Tensor& probes) {
  torch::AutoGradMode grad(true);
  auto xi = x.detach().requires_grad_(true);
  auto fx = f(xi);
  TORCH_CHECK(fx.sizes() == x.sizes(), "the field must return [B, D] like its input, got ", fx.sizes());
  auto div = torch::zeros({x.size(0)}, x.options());
  if (!probes.defined()) {  // exact: row i of the Jacobian per backward pass, its diagonal entry kept
    for (int64_t i = 0; i < x.size(1); ++i) {
      auto g = torch::autograd::grad({fx.select(1, i).sum()}, {xi}, {}, /*retain_graph=*/true, false, /*allow_unused=*/true)[0];
      if (g.defined()) div += g.select(1, i);
    }
  } else {  // Hutchinson: εᵀ(∂f/∂x)ε, averaged over the probes
    for (int64_t p = 0; p < probes.size(0); ++p) {
      auto e = probes[p];
      auto g = torch::autograd::grad({(fx * e).sum()}, {xi}, {}, /*retain_graph=*/true, false, /*allow_unused=*/true)[0];
      if (g.defined()) div += (g * e).sum(1);
    }
    div /= static_cast<double>(probes.size(0));
  }
  return {fx.detach(), div.detach()};
}

}  // namespace diffinfo
