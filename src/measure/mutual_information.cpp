#include "diffinfo/measure/mutual_information.h"

#include "diffinfo/info/discrete.h"

namespace diffinfo {
namespace {

// [B, D] conditional (or joint) residual e_c, unconditional (or product) residual e_u and denoising
// target t, [B] the squared norms behind S^{X|Y} and S^X -> [B, 7] the integrands of
// MutualInformationProfile in its order: MINDE ‖e_c − e_u‖², the entropy difference, both norms, the
// MMSE gap ‖e_u − t‖² − ‖e_c − t‖², MINDE minus it, 2(e_c − e_u)·(e_c − t), and the difference minus MINDE.
torch::Tensor integrands(const torch::Tensor& e_c, const torch::Tensor& e_u, const torch::Tensor& target,
                         const torch::Tensor& norm_cond, const torch::Tensor& norm_uncond) {
  auto c = e_c.to(torch::kFloat64), d = c - e_u.to(torch::kFloat64);
  auto n_c = norm_cond.to(torch::kFloat64), n_u = norm_uncond.to(torch::kFloat64);
  auto minde = d.pow(2).sum(1), orthogonality = 2.0 * (d * (c - target.to(torch::kFloat64))).sum(1);
  return torch::stack({minde, n_c - n_u, n_c, n_u, minde - orthogonality, orthogonality, n_c - n_u - minde}, 1);
}

// [B, D] x_s, [B, 1] s, [B, D] x0 -> [B, D] the residual's denoising target ∇log p(x_s|x0) − ∇log p_eq(x_s).
torch::Tensor residual_target(const ForwardProcess& process, const torch::Tensor& x_s, const torch::Tensor& s,
                              const torch::Tensor& x0) {
  auto x = x_s.to(torch::kFloat64);
  return process.kernel_score(x0.to(torch::kFloat64), s.to(torch::kFloat64), x) - process.eq_score(x);
}

MutualInformationProfile profile_of(const std::vector<EntropyProfile>& p) {
  return {p[0], p[1], p[2], p[3], p[4], p[5], p[6]};
}

}  // namespace

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
    return integrands(e_c, e_u, residual_target(process, x_s, s, data.index_select(0, rows)), e_c.pow(2).sum(1),
                      e_u.pow(2).sum(1));
  };
  return profile_of(integrate_rates(process, integrand, 7, data, options));
}

MutualInformationProfile joint_mutual_information(const ForwardProcess& process, const ConditionalResidualFn& residual,
                                                  const torch::Tensor& x, const torch::Tensor& y,
                                                  const EntropyOptions& options) {
  TORCH_CHECK(x.dim() == 2 && y.dim() == 2 && x.size(0) == y.size(0), "joint mutual information needs x [N, D_X] and y [N, D_Y], got ",
              x.sizes(), " and ", y.sizes());
  const int64_t dx = x.size(1), dy = y.size(1);
  const auto z = torch::cat({x, y.to(x.dtype())}, 1);
  auto integrand = [&](const torch::Tensor& z_s, const torch::Tensor& s, const torch::Tensor& rows) {
    auto block = [&](int64_t k) {
      auto e = residual(z_s, s, Condition(torch::full({z_s.size(0)}, k, torch::dtype(torch::kInt64).device(z_s.device()))));
      TORCH_CHECK(e.sizes() == z_s.sizes(), "residual must return [B, D] like its input, got ", e.sizes());
      return e;
    };
    auto e_z = block(0), e_x = block(1).narrow(1, 0, dx), e_y = block(2).narrow(1, dx, dy);
    // S^{X|Y} = S(X, Y) − S(Y) and S^X, so the difference is S(X, Y) − S(X) − S(Y).
    return integrands(e_z, torch::cat({e_x, e_y}, 1), residual_target(process, z_s, s, z.index_select(0, rows)),
                      e_z.pow(2).sum(1) - e_y.pow(2).sum(1), e_x.pow(2).sum(1));
  };
  return profile_of(integrate_rates(process, integrand, 7, z, options));
}

LabelBound check_label_bound(const Estimate& mi, const torch::Tensor& labels) {
  LabelBound b;
  b.label_entropy = label_entropy(labels);
  b.exceeds = mi.value > b.label_entropy;
  b.excess_stderr = mi.std_error > 0 ? (mi.value - b.label_entropy) / mi.std_error : 0.0;
  return b;
}

}  // namespace diffinfo
