#include "diffinfo/analytic/reference.h"

#include "diffinfo/io/json_tensor.h"
#include "diffinfo/random.h"

#include <cmath>

namespace diffinfo {

EntropyReference exact_entropy(const nlohmann::json& full_spec, const ForwardProcess& process, const torch::Tensor& data,
                               const EntropyOptions& options) {
  // A joint-Gaussian spec holds the law of X under "x".
  const auto& spec = full_spec.value("type", "") == "joint-gaussian" ? full_spec.at("x") : full_spec;
  const auto law = GaussianMixture::from_spec(spec);
  TORCH_CHECK(law.dim() == data.size(1), "the exact law has dimension ", law.dim(), " but the data have ", data.size(1));
  EntropyReference ref;
  if (spec.at("type") == "gaussian") {
    const GaussianData g(json_to_tensor(spec["mean"], 1, "spec.mean"), json_to_tensor(spec["cov"], 2, "spec.cov"));
    ref.total = {g.total_entropy(process), 0.0};
    ref.method = "closed form (Gaussian)";
    if (!std::isinf(process.eq_var())) {
      const auto d = kl_decomposition(g, process);
      ref.decomposition = {{"kl_to_equilibrium", d.total}, {"marginal_kl", d.marginal}, {"total_correlation", d.total_correlation}};
    }
  } else {
    auto gen = make_generator(derive_seed(options.seed(), 1));
    ref.total = law.total_entropy(process, 200000, gen);
    ref.method = "Monte Carlo on the exact density (200000 draws each at s = 0 and T)";
  }
  ref.curve = neural_entropy(process, exact_residual(law, process), data, options);
  return ref;
}

}  // namespace diffinfo
