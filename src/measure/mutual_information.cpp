#include "diffinfo/measure/mutual_information.h"

#include "diffinfo/info/discrete.h"

namespace diffinfo {

MutualInformationProfile mutual_information(const ForwardProcess& process, const ConditionalResidualFn& residual,
                                            const torch::Tensor& data, const torch::Tensor& cond,
                                            const EntropyOptions& options) {
  TORCH_CHECK(cond.defined() && cond.size(0) == data.size(0), "mutual information needs one condition row per data row (",
              data.size(0), "), got ", cond.defined() ? cond.size(0) : 0);
  auto integrand = [&](const torch::Tensor& x_s, const torch::Tensor& s, const torch::Tensor& rows) {
    auto e_c = residual(x_s, s, Condition(cond.index_select(0, rows)));
    auto e_u = residual(x_s, s, Condition());
    TORCH_CHECK(e_c.sizes() == x_s.sizes() && e_u.sizes() == x_s.sizes(),
                "residual must return [B, D] like its input, got ", e_c.sizes());
    auto n_c = e_c.pow(2).sum(1), n_u = e_u.pow(2).sum(1);
    return torch::stack({(e_c - e_u).pow(2).sum(1), n_c - n_u, n_c, n_u}, 1);
  };
  auto p = integrate_rates(process, integrand, 4, data, options);
  return {p[0], p[1], p[2], p[3]};
}

double label_entropy(const torch::Tensor& labels) {
  TORCH_CHECK(labels.dim() == 1 && labels.numel() > 0 && labels.scalar_type() == torch::kInt64,
              "label entropy needs [N] int64 labels, got ", labels.sizes());
  auto counts = torch::bincount(labels.to(torch::kCPU)).to(torch::kFloat64);
  return entropy(counts / counts.sum());
}

LabelBound check_label_bound(const Estimate& mi, const torch::Tensor& labels) {
  LabelBound b;
  b.label_entropy = label_entropy(labels);
  b.exceeds = mi.value > b.label_entropy;
  b.excess_stderr = mi.std_error > 0 ? (mi.value - b.label_entropy) / mi.std_error : 0.0;
  return b;
}

}  // namespace diffinfo
