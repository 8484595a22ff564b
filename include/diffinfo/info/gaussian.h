#pragma once
// Closed forms for Gaussians, nats.
//
//   diffinfo::gaussian_kl(0.0, 1.0, 1.0, 4.0);           // KL(N(0,1)‖N(1,4)) ≈ 0.4431
//   diffinfo::gaussian_mutual_information(cov_xy, dx);   // I(X; Y) of a joint Gaussian
#include <torch/torch.h>

namespace diffinfo {

/// [D, D] covariance -> h(N(·, C)) = ½ ln det(2πe C).
double gaussian_entropy(const torch::Tensor& cov);
/// Univariate KL(N(m0, v0)‖N(m1, v1)), variances (not standard deviations).
double gaussian_kl(double m0, double v0, double m1, double v1);
/// KL(N(m0, C0)‖N(m1, C1)) for [D] means and [D, D] covariances.
double gaussian_kl(const torch::Tensor& m0, const torch::Tensor& c0, const torch::Tensor& m1,
                   const torch::Tensor& c1);
/// [D, D] joint covariance of (X, Y) with X the first dx coordinates -> I(X; Y) = ½ ln(det C_X det C_Y / det C).
double gaussian_mutual_information(const torch::Tensor& cov, int64_t dx);
/// [D, D] covariance -> total correlation ½(Σ ln C_kk − ln det C).
double gaussian_total_correlation(const torch::Tensor& cov);

}  // namespace diffinfo
