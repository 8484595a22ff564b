#pragma once
// Exact references to print beside a neural measurement: S_tot and the exact entropy-rate
// curve of a known law, on the same strata and random draws as the neural estimate
// (common random numbers, so the two curves differ only by what the network got wrong).
//
//   auto ref = diffinfo::exact_entropy(spec, *process, data, options);
//   ref.total.value;  ref.curve.curve[k].rate;  ref.method
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/measure/mutual_information.h"

#include <cmath>
#include <string>

namespace diffinfo {

struct EntropyReference {
  Estimate total;          ///< S_tot over [0, T]: closed form (stderr 0) or Monte Carlo
  std::string method;      ///< how `total` was obtained
  EntropyProfile curve;    ///< the exact rate curve by the neural estimator's own quadrature
  /// Gaussian law with a normalisable p_eq: KL(p_d‖p_eq) split into per-coordinate KLs and the
  /// total correlation (Kelly gamblers Eq. 8); null otherwise.
  nlohmann::json decomposition;
};

/// spec: {"type": "gaussian" | "mixture", ...} as written by `diffinfo data`.
/// [N, D] data are the x0 draws for the curve (on the measurement's device).
EntropyReference exact_entropy(const nlohmann::json& spec, const ForwardProcess& process, const torch::Tensor& data,
                               const EntropyOptions& options);

/// The differential entropy h(p_d) of a known law, for bounds that need S0.
struct DataEntropy {
  Estimate value;      ///< nats: closed form (stderr 0) or Monte Carlo
  std::string method;
};
/// spec: "gaussian", "uniform", "joint-gaussian" (the law of X) in closed form, "mixture" by Monte Carlo
/// on its exact density (200000 draws, seeded); `dim` must match the law.
DataEntropy data_entropy(const nlohmann::json& spec, int64_t dim, uint64_t seed = 0);

/// [N, D] points -> [N] ln p_d(x) of the law in a spec ("gaussian", "mixture", "uniform", "joint-gaussian"'s X),
/// for paired comparisons with a model's log-likelihood on the same points.
torch::Tensor data_log_density(const nlohmann::json& spec, const torch::Tensor& x);

struct MutualInformationReference {
  Estimate total;                    ///< exact I(X; Y): closed form (stderr 0) or Monte Carlo
  std::string method;                ///< how `total` was obtained
  MutualInformationProfile curve;    ///< both estimators with the exact scores: the estimator's floor
                                     ///< (empty for "bmi" specs, whose scores are not known)
  std::vector<double> running;       ///< closed-form I(X_s; Y) (joint diffusion: I(X_s; Y_s)) at each
                                     ///< stratum's s_lo (joint Gaussian), else empty
  /// Joint Gaussian: S_tot^X and S_tot^{X|Y} = S_tot^X + I(X; Y) − I(X_T; Y) in closed form; NaN otherwise.
  double entropy_x = NAN, entropy_x_given_y = NAN;
};

/// spec: "joint-gaussian" (cond: [N, D_Y] vectors), "mixture" (cond: [N] component labels) or "bmi", as
/// written by `diffinfo data`. [N, D] data and cond are the draws for the curves. `joint`: the
/// curves of joint diffusion (joint_mutual_information; joint Gaussian and BMI only).
MutualInformationReference exact_mutual_information(const nlohmann::json& spec, const ForwardProcess& process,
                                                    const torch::Tensor& data, const torch::Tensor& cond,
                                                    const EntropyOptions& options, bool joint = false);

}  // namespace diffinfo
