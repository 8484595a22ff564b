#pragma once
// Reports of measured curves: CSV tables and gnuplot figures (PNG or SVG by extension).
//
//   diffinfo::write_entropy_csv("run/entropy_rate.csv", profile, &exact);
//   diffinfo::plot_entropy("curve.png", profile, &exact, "VP, D = 6");
#include "diffinfo/measure/label_posterior.h"
#include "diffinfo/measure/mutual_information.h"
#include "diffinfo/info/regression.h"
#include "diffinfo/measure/thermodynamics.h"

#include <string>
#include <vector>

namespace diffinfo {

/// Columns s_lo,s_hi,s,rate,rate_stderr,cumulative,cumulative_stderr (+ exact_* when given).
void write_entropy_csv(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact);

/// Rate (log time axis) and running integral; the exact curve dashed beside the neural one.
/// Throws when gnuplot is missing or fails.
void plot_entropy(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact,
                  const std::string& title);

/// Columns s_lo,s_hi,s, then rate, rate stderr, ∫_{s_lo}^T and its stderr for MINDE ("mi_") and
/// the entropy difference ("difference_"), the same for exact scores ("exact_mi_") and the closed-form
/// I(X_s; Y) at s_lo when given; then the rates of S^{X|Y} ("cond_entropy_") and S^X
/// ("uncond_entropy_"), with exact scores their exact rates, and the MMSE gap ("mmse_gap_").
void write_mi_csv(const std::string& path, const MutualInformationProfile& mi, const MutualInformationProfile* exact,
                  const std::vector<double>* closed_form);

/// MI rate and I(X_s; Y) = ∫_s^T rate by the three estimators, the rates of S^{X|Y} and S^X over s,
/// references dashed.
void plot_mutual_information(const std::string& path, const MutualInformationProfile& mi,
                             const MutualInformationProfile* exact, const std::vector<double>* closed_form,
                             const std::string& title);

/// Reference curves beside a label posterior, each on the posterior's grid or empty.
struct LabelReferences {
  std::vector<Estimate> forward;      ///< exact H(C | X_s) by forward diffusion of a known mixture
  std::vector<double> forward_rate;   ///< its dH/ds
  std::vector<double> minde;          ///< I(X_s; C) = ∫_s^T rate by MINDE on the same model
};

/// One row per visited s: H(C | X_s) ± stderr, dH/ds ± stderr, I(X_s; C), MINDE by posterior and
/// the null's gap (± stderr); on labelled paths MINDE on them, the cross-entropy (± stderr), H(C) − CE
/// and the accuracy; then, when present,
/// the exact posterior on the same points ("exact_on_path_*", "gap_*"), the forward curve
/// ("exact_*"), MINDE's I(X_s; C) ("minde_information"); then the mean posterior of each class
/// ("posterior_c"), the "c vs null" entropies ("versus_null_c") and, with `pairs`, "pair_c_c'".
void write_label_entropy_csv(const std::string& path, const PosteriorProfile& profile, const LabelReferences& refs,
                             bool pairs);

/// H(C | X_s), its rate and I(X_s; C) (with MINDE's when given) over s, references dashed.
void plot_label_entropy(const std::string& path, const PosteriorProfile& profile, const LabelReferences& refs,
                        const std::string& title);

/// Columns s_lo,s_hi,s, then rate and stderr of intrinsic, exchange and system production in the norm
/// form, the same in the divergence form ("_div"), then σ²/2 E‖s_θ‖² ("score_norm"), −σ²/2 E∇·s_θ
/// ("score_divergence") and their paired difference ("stein").
void write_production_csv(const std::string& path, const EntropyProduction& production);
/// The three rates over s (divergence form solid, norm form dashed) and the Stein check.
void plot_production(const std::string& path, const EntropyProduction& production, const std::string& title);

/// One model of a limits sweep (seed 004 Fig. 1): its data, process, noise parameter and numbers.
struct LimitsRow {
  std::string data, process;
  double noise = 0;
  Estimate nll, bound, denoising;
  double data_entropy = 0;
};
/// Columns data,process,noise,nll,nll_stderr,bound,bound_stderr,gap,gap_stderr,denoising_bound,
/// denoising_bound_stderr,data_entropy.
void write_limits_csv(const std::string& path, const std::vector<LimitsRow>& rows);
/// NLL against the bound for every row (the line NLL = bound dashed), and the three rates of `best`.
void plot_limits(const std::string& path, const std::vector<LimitsRow>& rows, const EntropyProduction& best,
                 const std::string& best_label);

/// Columns n,ln_n,s_nn,s_nn_stderr,fit,residual of a scaling sweep S_NN against ln N.
void write_scaling_csv(const std::string& path, const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn,
                       const LineFit& fit);
/// S_NN against N (log axis) with the fitted line, and the residuals below.
void plot_scaling(const std::string& path, const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn,
                  const LineFit& fit, const std::string& title);

/// [N, C, H, W] images -> [C, rows·(H + gap) − gap, columns·(W + gap) − gap], row-major tiles separated by
/// `gap` pixels of `fill` (N ≤ rows·columns, rows = ⌈N/columns⌉; empty tiles are `fill` too).
torch::Tensor tile_images(const torch::Tensor& images, int64_t columns, int64_t gap, double fill);
/// Draws [N, C, H, W] images (C = 1 grey, C = 3 RGB) with values in [low, high] as one PNG or SVG grid,
/// `columns` wide; values outside the range are clipped.
void plot_image_grid(const std::string& path, const torch::Tensor& images, double low, double high, int64_t columns,
                     const std::string& title);

/// Label information of a DAE's two latents at one split time τ (seed 003 Fig. 16).
struct DaeRow {
  double tau = 0;
  Estimate per, sem;                        ///< I(Z_per; Y), I(Z_sem; Y) by MINDE
  Estimate per_classifier, sem_classifier;  ///< H(Y) − held-out cross-entropy of a classifier of each latent
  Estimate per_posterior, sem_posterior;    ///< the same models' MINDE by posterior (label_posterior_on_data)
};
/// Columns tau,i_per,i_per_stderr,i_sem,i_sem_stderr,classifier_per,classifier_per_stderr,classifier_sem,
/// classifier_sem_stderr,label_entropy,posterior_per,posterior_per_stderr,posterior_sem,posterior_sem_stderr.
void write_dae_csv(const std::string& path, const std::vector<DaeRow>& rows, double label_entropy);
/// I(Z_per; Y) and I(Z_sem; Y) against τ with their stderrs (MINDE thin, MINDE by posterior thick), the
/// classifier bounds dashed, H(Y) dotted.
void plot_dae(const std::string& path, const std::vector<DaeRow>& rows, double label_entropy, const std::string& title);
/// Two scatter panels of 2-D points [N, 2] (e.g. z_per and z_sem on their leading principal axes),
/// coloured by class ([N] int64 labels).
void plot_latent_map(const std::string& path, const torch::Tensor& first, const std::string& first_name,
                     const torch::Tensor& second, const std::string& second_name, const torch::Tensor& labels,
                     const std::string& title);

}  // namespace diffinfo
