#include "diffinfo/model/score_model.h"

#include "diffinfo/names.h"
#include <cmath>

namespace diffinfo {

std::vector<std::string> output_names() { return {"entropy", "score"}; }

ScoreModel::ScoreModel(std::shared_ptr<const ForwardProcess> process, Network net, const std::string& output,
                       double data_var, double cond_var, int64_t joint_split)
    : process_(std::move(process)), net_(std::move(net)), output_(output), data_var_(data_var),
      cond_scale_(1.0 / std::sqrt(cond_var)), joint_split_(joint_split) {
  if (joint_split > 0) {  // each block of Z = [X, Y] preconditioned by its own variance
    const int64_t dim = net_->options().dim();
    const auto device = net_->parameters().front().device();  // set once, not copied on every call
    coord_var_ = torch::cat({torch::full({joint_split}, data_var), torch::full({dim - joint_split}, cond_var)})
                     .unsqueeze(0)
                     .to(device);
    data_var_ = coord_var_.mean().item<double>();
  }
  TORCH_CHECK(joint_split == 0 || (joint_split > 0 && joint_split < net_->options().dim() && net_->options().classes() == 3),
              "a joint model needs 0 < D_X < D and a network with 3 block labels, got D_X ", joint_split, ", D ",
              net_->options().dim(), ", ", net_->options().classes(), " labels");
  TORCH_CHECK(std::isfinite(cond_var) && cond_var > 0, "conditioning variance must be positive, got ", cond_var);
  TORCH_CHECK(is_known(output_names(), output), unknown_name("model output", output, output_names()));
  TORCH_CHECK(std::isfinite(data_var) && data_var > 0, "data variance must be positive, got ", data_var);
}

ScoreModel::Inputs ScoreModel::precondition(const torch::Tensor& x, const torch::Tensor& s) const {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == net_->options().dim(), "model expected points [B, ",
              net_->options().dim(), "], got ", x.sizes());
  TORCH_CHECK(s.dim() == 2 && s.size(0) == x.size(0) && s.size(1) == 1, "model expected times [", x.size(0),
              ", 1], got ", s.sizes());
  auto st = s.to(x.options());
  auto mu2 = process_->mean_factor(st).pow(2);
  auto var = process_->kernel_var(st);
  auto scale = coord_var_.defined() ? torch::rsqrt(mu2 * coord_var_ + var) : torch::rsqrt(mu2 * data_var_ + var);
  return {scale, torch::log(mu2 * data_var_ / var) / 8.0, var};
}

torch::Tensor ScoreModel::modelled(const Condition& cond, const torch::Tensor& like) const {
  if (joint_split_ == 0) return {};
  TORCH_CHECK(!cond.is_null() && cond.value.dim() == 1 && cond.value.scalar_type() == torch::kInt64 &&
                  cond.value.size(0) == like.size(0),
              "a joint model needs [", like.size(0), "] int64 block labels (0 all of Z, 1 X, 2 Y)");
  auto in_x = torch::arange(net_->options().dim(), cond.value.options()).unsqueeze(0) < joint_split_;  // [1, D]
  auto block = cond.value.unsqueeze(1);                                                                // [B, 1]
  return ((block == 0) | ((block == 1) & in_x) | ((block == 2) & in_x.logical_not())).to(like.dtype());
}

torch::Tensor ScoreModel::raw(const torch::Tensor& x, const Inputs& in, const Condition& cond) const {
  const auto mask = modelled(cond, x);
  const auto x_in = (mask.defined() ? x * mask : x) * in.scale;
  // Vector conditions enter at O(1) scale, like x.
  const bool vector = net_->options().cond_dim() > 0 && !cond.is_null();
  auto r = in.scale * net_->forward(x_in, in.tau, vector ? Condition(cond.value * cond_scale_, cond.keep) : cond);
  if (!mask.defined()) return r;
  // Outside its block a joint model says "at equilibrium": residual 0, i.e. the equilibrium score.
  return output_ == "entropy" ? r * mask : r * mask + process_->eq_score(x) * (1 - mask);
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
