#pragma once
// Mutual information I(X; Y) from conditional diffusion models (Kelly gamblers §4, docs/math.md §4),
// three estimators side by side on the same stratified (s, x0, ε) draws:
//   MINDE (Eq. 14):                 I = ∫ σ²/2 E‖e(x_s, s; y) − e(x_s, s)‖² ds, its integrand the
//                                   MI rate and I(X_s; Y) = ∫_s^T rate;
//   difference of neural entropies: I ≈ S_NN^{X|Y} − S_NN^X (Eq. 52), paired, so its stderr is
//   (Eq. 52)                        that of the difference, not of either term;
//   MMSE gap:                       I = ∫ σ²/2 E[‖e(x_s, s) − t‖² − ‖e(x_s, s; y) − t‖²] ds, the drop
//                                   of the denoising loss when y is given, t = ∇log p(x_s|x0) − ∇log p_eq
//                                   its target (the I-MMSE relation: Kong et al. 2023, Yu et al. 2025).
// With exact scores all three agree. With a network's errors δ_y = e(·; y) − e_true(·; y) and δ_∅
// (every E below weighted by σ²/2 and integrated over s; E[t | x_s, y] = e_true(·; y) kills the cross
// terms): MINDE = I + E‖δ_∅ − δ_y‖² + 2E[(e_true(·; y) − e_true)·δ_y], MMSE gap = I + E‖δ_∅‖² − E‖δ_y‖².
// An error of the null output raises both; an error of the conditional outputs that is uncorrelated
// with the label's true effect raises MINDE and lowers the MMSE gap by the same E‖δ_y‖². Their
// difference, `orthogonality` = 2E[(e(·; y) − t)·(e(·; y) − e)], vanishes for the optimal conditional
// denoiser, whose error is orthogonal to every function of (x_s, y).
// Any conditional residual works: one network with a null condition, two networks, or the
// exact scores of a known law (then MINDE is the estimator's floor for the data at hand).
//
//   auto mi = diffinfo::mutual_information(*process, residual, x, y, {});
//   mi.minde.total.value, mi.minde.total.std_error;   mi.minde.above(j)  // I(X_s; Y)
#include "diffinfo/callables.h"
#include "diffinfo/info/discrete.h"
#include "diffinfo/measure/neural_entropy.h"

#include <utility>

namespace diffinfo {


struct MutualInformationProfile {
  EntropyProfile minde;          ///< I(X; Y) by MINDE, its rate curve (Eq. 14)
  EntropyProfile difference;     ///< S_NN^{X|Y} − S_NN^X, paired (Eq. 52)
  EntropyProfile conditional;    ///< S_NN^{X|Y}
  EntropyProfile unconditional;  ///< S_NN^X
  EntropyProfile mmse_gap;       ///< the unconditional minus the conditional denoising loss
  EntropyProfile orthogonality;  ///< MINDE − MMSE gap, paired: ~0 for an optimal conditional denoiser
  EntropyProfile difference_gap; ///< the entropy difference − MINDE, paired
};

/// [N, D] data x0 and their condition rows ([N, D_Y] vectors or [N] int64 labels), on the
/// model's device -> both estimates with stderr and curves.
MutualInformationProfile mutual_information(const ForwardProcess& process, const ConditionalResidualFn& residual,
                                            const torch::Tensor& data, const torch::Tensor& cond,
                                            const EntropyOptions& options);

/// Joint diffusion of Z = [X, Y] (MINDE-j, Franzese et al. 2024): `residual` is one model of Z
/// asked for block labels (score_model.h: 0 all of Z, 1 X alone, 2 Y alone) at the same z_s, with
/// the rows outside a block ignored. MINDE = ∫ σ²/2 E‖e(z_s) − [e(x_s), e(y_s)]‖² ds, whose running
/// integral ∫_s^T is I(X_s; Y_s), both diffused. With p_eq a product, KL(p_Z‖p_eq) = S(X) + S(Y) + I,
/// so `conditional` is S(X, Y) − S(Y) (= S^{X|Y}), `unconditional` S(X), and `difference`
/// S(X, Y) − S(X) − S(Y); the MMSE gap is that of [e(x_s), e(y_s)] against e(z_s) on z's target.
/// [N, D_X] x and [N, D_Y] y on the model's device.
MutualInformationProfile joint_mutual_information(const ForwardProcess& process, const ConditionalResidualFn& residual,
                                                  const torch::Tensor& x, const torch::Tensor& y,
                                                  const EntropyOptions& options);


/// The sanity bound of label MI: I(X; Y) ≤ H(Y) ≤ ln K (docs/math.md §4).
struct LabelBound {
  double label_entropy = 0;  ///< H(Y) of the labels' empirical law, nats
  bool exceeds = false;      ///< the estimate lies above H(Y)
  double excess_stderr = 0;  ///< (estimate − H(Y)) / stderr: above 2 means biased, not noise
};

/// An MI estimate against H(Y) of [N] labels.
LabelBound check_label_bound(const Estimate& mi, const torch::Tensor& labels);

}  // namespace diffinfo
