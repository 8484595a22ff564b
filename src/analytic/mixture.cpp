#include "diffinfo/analytic/mixture.h"

#include "diffinfo/names.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/random.h"

#include <cmath>

namespace diffinfo {
namespace {

const auto kF64 = torch::kFloat64;

// [B, 1] (or scalar) -> [B, 1, 1] for broadcasting against [B, K, D].
torch::Tensor col3(const torch::Tensor& t) { return t.reshape({-1, 1, 1}); }

}  // namespace

GaussianMixture::GaussianMixture(const torch::Tensor& weights, const torch::Tensor& means, const torch::Tensor& covs) {
  TORCH_CHECK(means.dim() == 2, "mixture means must be [K, D], got ", means.sizes());
  const int64_t k = means.size(0), d = means.size(1);
  TORCH_CHECK(weights.dim() == 1 && weights.size(0) == k, "mixture weights must be [", k, "], got ", weights.sizes());
  TORCH_CHECK(covs.dim() == 3 && covs.size(0) == k && covs.size(1) == d && covs.size(2) == d,
              "mixture covariances must be [", k, ", ", d, ", ", d, "], got ", covs.sizes());
  auto w = weights.to(torch::kCPU, kF64);
  TORCH_CHECK((w >= 0).all().item<bool>() && w.sum().item<double>() > 0, "mixture weights must be non-negative, not all 0");
  weights_ = w / w.sum();
  means_ = means.to(torch::kCPU, kF64).contiguous();
  covs_ = covs.to(torch::kCPU, kF64).contiguous();
  TORCH_CHECK(torch::allclose(covs_, covs_.transpose(1, 2), 1e-9, 1e-12), "mixture covariances must be symmetric");
  auto [evals, evecs] = torch::linalg_eigh(covs_, "L");
  TORCH_CHECK((evals > 0).all().item<bool>(), "mixture covariances must be positive definite; smallest eigenvalue ",
              evals.min().item<double>());
  evals_ = evals;
  evecs_ = evecs;
}

GaussianMixture GaussianMixture::from_spec(const nlohmann::json& spec) {
  TORCH_CHECK(spec.is_object() && spec.contains("type"), "spec needs a \"type\" (gaussian or mixture)");
  const auto type = spec["type"].get<std::string>();
  if (type == "gaussian") {
    TORCH_CHECK(spec.contains("mean") && spec.contains("cov"), "gaussian spec needs \"mean\" and \"cov\"");
    auto mean = json_to_tensor(spec["mean"], 1, "spec.mean");
    auto cov = json_to_tensor(spec["cov"], 2, "spec.cov");
    return GaussianMixture(torch::ones({1}, kF64), mean.unsqueeze(0), cov.unsqueeze(0));
  }
  TORCH_CHECK(type == "mixture", unknown_name("spec type", type, {"gaussian", "mixture"}));
  TORCH_CHECK(spec.contains("weights") && spec.contains("means") && spec.contains("covs"),
              "mixture spec needs \"weights\", \"means\" and \"covs\"");
  return GaussianMixture(json_to_tensor(spec["weights"], 1, "spec.weights"), json_to_tensor(spec["means"], 2, "spec.means"),
                         json_to_tensor(spec["covs"], 3, "spec.covs"));
}

nlohmann::json GaussianMixture::spec() const {
  return {{"type", "mixture"}, {"weights", tensor_to_json(weights_)}, {"means", tensor_to_json(means_)},
          {"covs", tensor_to_json(covs_)}};
}

torch::Tensor GaussianMixture::sample(int64_t n, torch::Generator& gen, torch::Tensor* labels) const {
  auto idx = torch::multinomial(weights_, n, /*replacement=*/true, gen);
  auto z = torch::randn({n, dim()}, gen, kF64) * evals_.index_select(0, idx).sqrt();
  auto x = means_.index_select(0, idx) + torch::einsum("nde,ne->nd", {evecs_.index_select(0, idx), z});
  if (labels) *labels = idx;
  return x;
}

GaussianMixture::Terms GaussianMixture::terms(const torch::Tensor& x, const torch::Tensor& mu,
                                              const torch::Tensor& var) const {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == dim(), "mixture expected points [B, ", dim(), "], got ", x.sizes());
  auto centred = x.unsqueeze(1) - col3(mu) * means_.unsqueeze(0);              // [B, K, D]
  auto y = torch::einsum("bkd,kde->bke", {centred, evecs_});                   // eigenbasis
  auto a = col3(mu).pow(2) * evals_.unsqueeze(0) + col3(var);                  // [B, K, D]
  auto log_n = -0.5 * (y.pow(2) / a).sum(2) - 0.5 * a.log().sum(2) - 0.5 * dim() * std::log(2.0 * M_PI);
  return {weights_.log().unsqueeze(0) + log_n, y / a};
}

torch::Tensor GaussianMixture::log_density(const torch::Tensor& x) const {
  auto xd = x.to(torch::kCPU, kF64);
  auto t = terms(xd, torch::ones({xd.size(0), 1}, kF64), torch::zeros({xd.size(0), 1}, kF64));
  return torch::logsumexp(t.log_joint, 1);
}

torch::Tensor GaussianMixture::log_density(const ForwardProcess& process, const torch::Tensor& x,
                                           const torch::Tensor& s) const {
  auto sd = s.to(torch::kCPU, kF64);
  auto t = terms(x.to(torch::kCPU, kF64), process.mean_factor(sd), process.kernel_var(sd));
  return torch::logsumexp(t.log_joint, 1).to(x.options());
}

torch::Tensor GaussianMixture::log_posterior(const ForwardProcess& process, const torch::Tensor& x,
                                             const torch::Tensor& s) const {
  auto sd = s.to(torch::kCPU, kF64);
  auto t = terms(x.to(torch::kCPU, kF64), process.mean_factor(sd), process.kernel_var(sd));
  return (t.log_joint - torch::logsumexp(t.log_joint, 1, /*keepdim=*/true)).to(x.options());
}

torch::Tensor GaussianMixture::score(const ForwardProcess& process, const torch::Tensor& x, const torch::Tensor& s) const {
  auto sd = s.to(torch::kCPU, kF64);
  auto t = terms(x.to(torch::kCPU, kF64), process.mean_factor(sd), process.kernel_var(sd));
  auto post = torch::softmax(t.log_joint, 1).unsqueeze(2);                     // [B, K, 1]
  auto grad = torch::einsum("bke,kde->bkd", {t.whitened, evecs_});            // back to coordinates
  return (-(post * grad).sum(1)).to(x.options());
}

torch::Tensor GaussianMixture::component_score(const ForwardProcess& process, const torch::Tensor& x,
                                              const torch::Tensor& s, const torch::Tensor& labels) const {
  TORCH_CHECK(labels.dim() == 1 && labels.size(0) == x.size(0), "component_score expected [", x.size(0),
              "] labels, got ", labels.sizes());
  auto sd = s.to(torch::kCPU, kF64);
  auto t = terms(x.to(torch::kCPU, kF64), process.mean_factor(sd), process.kernel_var(sd));
  auto l = labels.to(torch::kCPU, torch::kInt64);
  TORCH_CHECK(l.numel() == 0 || (l.min().item<int64_t>() >= 0 && l.max().item<int64_t>() < components()),
              "component_score expected labels in 0…", components() - 1);
  auto picked = t.whitened.gather(1, l.view({-1, 1, 1}).expand({-1, 1, dim()})).squeeze(1);  // [B, D]
  return (-torch::einsum("be,bde->bd", {picked, evecs_.index_select(0, l)})).to(x.options());
}

Estimate GaussianMixture::label_information(int64_t n, torch::Generator& gen) const {
  torch::Tensor labels;
  auto x = sample(n, gen, &labels);
  auto t = terms(x, torch::ones({n, 1}, kF64), torch::zeros({n, 1}, kF64));
  auto log_post = t.log_joint - torch::logsumexp(t.log_joint, 1, /*keepdim=*/true);
  auto picked = log_post.gather(1, labels.view({-1, 1})).squeeze(1);
  return mean_estimate(picked - weights_.log().index_select(0, labels));
}

std::vector<Estimate> GaussianMixture::conditional_label_entropy(const ForwardProcess& process,
                                                                 const std::vector<double>& times, int64_t n,
                                                                 torch::Generator& gen) const {
  auto x0 = sample(n, gen);
  auto eps = torch::randn({n, dim()}, gen, kF64);
  std::vector<Estimate> out;
  for (double s : times) {
    auto st = torch::full({n, 1}, s, kF64);
    auto log_post = log_posterior(process, process.sample(x0, st, eps), st);
    out.push_back(mean_estimate(-(log_post.exp() * log_post.clamp_min(-1e30)).sum(1)));
  }
  return out;
}

GaussianMixture GaussianMixture::diffused(const ForwardProcess& process, double s) const {
  const auto sch = process.at(s);
  auto eye = torch::eye(dim(), kF64).unsqueeze(0);
  return GaussianMixture(weights_, sch.mu * means_, sch.mu * sch.mu * covs_ + sch.var * eye);
}

Estimate GaussianMixture::kl_to_eq(const ForwardProcess& process, int64_t n, torch::Generator& gen) const {
  auto x = sample(n, gen);
  return mean_estimate(log_density(x) - process.eq_log_density(x));
}

Estimate GaussianMixture::total_entropy(const ForwardProcess& process, int64_t n, torch::Generator& gen) const {
  const auto start = kl_to_eq(process, n, gen);
  const auto end = diffused(process, process.t_max()).kl_to_eq(process, n, gen);
  return {start.value - end.value, std::hypot(start.std_error, end.std_error)};
}

ResidualFn exact_residual(const GaussianMixture& law, const ForwardProcess& process) {
  return [law, &process](const torch::Tensor& x, const torch::Tensor& s) {
    return law.score(process, x, s) - process.eq_score(x);
  };
}

}  // namespace diffinfo
