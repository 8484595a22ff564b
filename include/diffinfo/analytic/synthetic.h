#pragma once
// Synthetic data sets with known laws. Each returns the samples and a JSON spec of the
// true distribution that analytic/ can rebuild (GaussianMixture::from_spec and friends).
//
//   auto g = diffinfo::make_gaussian(diffinfo::GaussianSpec().dim(6), 10000, gen);
//   diffinfo::write_npy("x.npy", g.x);
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>

namespace diffinfo {

struct Synthetic {
  torch::Tensor x;      ///< [N, D] float64
  torch::Tensor y;      ///< [N, D_Y] for joint data, else undefined
  torch::Tensor labels; ///< [N] int64 component labels for mixtures, else undefined
  nlohmann::json spec;  ///< the true law
};

struct GaussianSpec {
  /// Dimension (default 6).
  TORCH_ARG(int64_t, dim) = 6;
  /// "random": C = HHᵀ/D + floor·I with H standard normal; "isotropic": C = scale·I (default "random").
  TORCH_ARG(std::string, covariance) = "random";
  /// Scale of the covariance (default 1).
  TORCH_ARG(double, scale) = 1.0;
  /// Smallest-eigenvalue floor of the random covariance (default 0.05).
  TORCH_ARG(double, floor) = 0.05;
  /// Standard deviation of the random mean, 0 for a centred law (default 0).
  TORCH_ARG(double, mean_scale) = 0.0;
  /// Seed of the law itself (the samples use the caller's generator) (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
};

struct MixtureSpec {
  /// Dimension (default 2).
  TORCH_ARG(int64_t, dim) = 2;
  /// Number of components (default 3).
  TORCH_ARG(int64_t, components) = 3;
  /// Standard deviation of the component means around 0 (default 2).
  TORCH_ARG(double, spread) = 2.0;
  /// Isotropic variance of every component (default 0.05).
  TORCH_ARG(double, var) = 0.05;
  /// Seed of the law (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
};

struct UniformSpec {
  /// Dimension (default 2).
  TORCH_ARG(int64_t, dim) = 2;
  /// Each coordinate uniform on [low, high] (defaults −1, 1).
  TORCH_ARG(double, low) = -1.0;
  TORCH_ARG(double, high) = 1.0;
};

/// Seed 003 App. E.1: X ~ N(0, Σ_X), Y = AX + ε, ε ~ N(0, σ_ε² I), A standard normal.
struct JointGaussianSpec {
  /// D_X (default 25) and D_Y (default 15).
  TORCH_ARG(int64_t, dim_x) = 25;
  TORCH_ARG(int64_t, dim_y) = 15;
  /// Noise σ_ε (default 1).
  TORCH_ARG(double, sigma_eps) = 1.0;
  /// "determinism": Σ_X = HHᵀ + εI, H ~ N(0,1)/√D_X (Eq. 57); "flattening": Σ_X = UΛUᵀ + εI with
  /// k eigenvalues |N(0,1)|/√k and D_X − k equal to lambda_delta (Eq. 58) (default "determinism").
  TORCH_ARG(std::string, mode) = "determinism";
  /// Flattening: the number k of large directions (default 5).
  TORCH_ARG(int64_t, rank) = 5;
  /// Flattening: the small eigenvalue λ_δ (default 1e-3).
  TORCH_ARG(double, lambda_delta) = 1e-3;
  /// The ε of Eqs. 57–58 (default 1e-3).
  TORCH_ARG(double, epsilon) = 1e-3;
  /// Seed of the law (default 0).
  TORCH_ARG(uint64_t, seed) = 0;
};

Synthetic make_gaussian(const GaussianSpec& spec, int64_t n, torch::Generator& gen);
Synthetic make_mixture(const MixtureSpec& spec, int64_t n, torch::Generator& gen);
Synthetic make_uniform(const UniformSpec& spec, int64_t n, torch::Generator& gen);
/// spec holds Σ_X, A, σ_ε and the analytic I(X; Y) (Eq. 55), h(X) and S_tot^X under VP.
Synthetic make_joint_gaussian(const JointGaussianSpec& spec, int64_t n, torch::Generator& gen);

}  // namespace diffinfo
