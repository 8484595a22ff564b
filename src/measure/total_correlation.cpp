#include "diffinfo/measure/total_correlation.h"

#include "diffinfo/random.h"

#include <cmath>

namespace diffinfo {

TotalCorrelation total_correlation(const ForwardProcess& process, const ResidualFn& joint,
                                   const ConditionalResidualFn& marginal, const torch::Tensor& data,
                                   const EntropyOptions& options) {
  TORCH_CHECK(data.dim() == 2, "total correlation needs data [N, D], got ", data.sizes());
  TotalCorrelation out;
  out.joint = neural_entropy(process, joint, data, options);
  double sum = 0, var = 0;
  for (int64_t k = 0; k < data.size(1); ++k) {
    auto column = data.select(1, k).unsqueeze(1).contiguous();
    auto label = torch::full({1}, k, torch::dtype(torch::kInt64).device(data.device()));
    auto opts = options;
    opts.seed(derive_seed(options.seed(), static_cast<uint64_t>(k) + 1));
    out.marginals.push_back(neural_entropy(
        process,
        [&](const torch::Tensor& x, const torch::Tensor& s) { return marginal(x, s, Condition(label.expand({x.size(0)}))); },
        column, opts));
    sum += out.marginals.back().total.value;
    var += std::pow(out.marginals.back().total.std_error, 2);
  }
  out.marginal_sum = {sum, std::sqrt(var)};
  out.total_correlation = {out.joint.total.value - sum, std::sqrt(var + std::pow(out.joint.total.std_error, 2))};
  return out;
}

}  // namespace diffinfo
