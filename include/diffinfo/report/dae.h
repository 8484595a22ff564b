#pragma once
// The diffusion-autoencoder study (Kelly gamblers App. F): label information of the two latents
// against the split time τ, and 2-D maps of the latents.
#include "diffinfo/estimate.h"
#include "diffinfo/report/table.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace diffinfo {

/// Label information of a DAE's two latents at one split time τ (Kelly gamblers Fig. 16).
struct DaeRow {
  double tau = 0;
  Estimate per, sem;                        ///< I(Z_per; Y), I(Z_sem; Y) by MINDE
  Estimate per_classifier, sem_classifier;  ///< H(Y) − held-out cross-entropy of a classifier of each latent
  Estimate per_posterior, sem_posterior;    ///< the same models' MINDE by posterior (label_posterior_on_data)
};
/// Columns tau,i_per,i_per_stderr,i_sem,i_sem_stderr,classifier_per,classifier_per_stderr,classifier_sem,
/// classifier_sem_stderr,label_entropy,posterior_per,posterior_per_stderr,posterior_sem,posterior_sem_stderr.
Table dae_table(const std::vector<DaeRow>& rows, double label_entropy);
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
