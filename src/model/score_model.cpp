#include "diffinfo/model/score_model.h"

#include <cmath>

namespace diffinfo {

std::vector<std::string> output_names() { return {"entropy", "score"}; }

ScoreModel::ScoreModel(std::shared_ptr<const ForwardProcess> process, Mlp net, const std::string& output,
                       double data_var, double cond_var)
    : process_(std::move(process)), net_(std::move(net)), output_(output), data_var_(data_var),
      cond_scale_(1.0 / std::sqrt(cond_var)) {
  TORCH_CHECK(std::isfinite(cond_var) && cond_var > 0, "conditioning variance must be positive, got ", cond_var);
  TORCH_CHECK(output == "entropy" || output == "score", "model output '", output,
              "' not found; known: entropy, score");
  TORCH_CHECK(std::isfinite(data_var) && data_var > 0, "data variance must be positive, got ", data_var);
}

ScoreModel::Inputs ScoreModel::precondition(const torch::Tensor& x, const torch::Tensor& s) const {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == net_->options().dim(), "model expected points [B, ",
              net_->options().dim(), "], got ", x.sizes());
  TORCH_CHECK(s.dim() == 2 && s.size(0) == x.size(0) && s.size(1) == 1, "model expected times [", x.size(0),
              ", 1], got ", s.sizes());
  auto st = s.to(x.options());
  auto mu2v = process_->mean_factor(st).pow(2) * data_var_;
  auto var = process_->kernel_var(st);
  return {torch::rsqrt(mu2v + var), torch::log(mu2v / var) / 8.0, var};
}

torch::Tensor ScoreModel::raw(const torch::Tensor& x, const Inputs& in, const Condition& cond) const {
  // Vector conditions enter at O(1) scale, like x.
  if (net_->options().cond_dim() > 0 && !cond.is_null())
    return in.scale * net_->forward(x * in.scale, in.tau, {cond.value * cond_scale_, cond.keep});
  return in.scale * net_->forward(x * in.scale, in.tau, cond);
}

torch::Tensor ScoreModel::scaled_score(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond) const {
  auto in = precondition(x, s);
  auto r = raw(x, in, cond);
  return in.var.sqrt() * (output_ == "score" ? r : process_->eq_score(x) + r);
}

torch::Tensor ScoreModel::score(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond) const {
  auto r = raw(x, precondition(x, s), cond);
  return output_ == "score" ? r : process_->eq_score(x) + r;
}

torch::Tensor ScoreModel::residual(const torch::Tensor& x, const torch::Tensor& s, const Condition& cond) const {
  auto r = raw(x, precondition(x, s), cond);
  return output_ == "entropy" ? r : r - process_->eq_score(x);
}

}  // namespace diffinfo
