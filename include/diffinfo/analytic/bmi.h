#pragma once
// The 40 tasks of the BMI benchmark: Czyż et al., "Beyond Normal: On the Evaluation of Mutual
// Information Estimators" (NeurIPS 2023, arXiv 2306.11078), named by the task ids of its task list
// (cbg-ethz/bmi, src/bmi/benchmark/task_list.py). docs/bmi.md lists them with their truths.
//
//   auto gen = diffinfo::make_generator(0);
//   auto t = diffinfo::make_bmi("spiral-multinormal-sparse-5-5-2-2.0", 10000, gen);
//   t.spec["mutual_information"];  // the truth, nats
//
// A task id is a chain of invertible maps (prefixes, applied right to left) on a base law; mutual
// information is invariant under invertible maps of X and of Y, so a task's truth is its base's.
//   base laws   1v1-normal-0.75                bivariate normal, ρ = 0.75
//               1v1-additive-E                 X ~ U(0, 1), Y = X + U(−E, E)
//               1v1-bimodal-0.75               the binormal's uniform margins through the inverse CDFs of
//                                              0.3 N(0, 1) + 0.7 N(5, 1) (X) and ½ N(−1, 1) + ½ N(3, 1) (Y)
//               multinormal-dense-D-D-0.5      all correlations 0.5
//               multinormal-sparse-D-D-2-2.0   X_i, Y_i correlated 0.8 for i < 2, nothing else
//               student-identity-DX-DY-DF      Student t, identity dispersion, DF degrees of freedom
//   maps        normal-cdf-   Φ on every coordinate      half_cube-  x ↦ x √|x|
//               asinh-        asinh                       wiggly-     the benchmark's 1-D wiggles
//               spiral-       x ↦ exp(A ‖x‖² / 3) x, A the generator of rotations in the plane of
//                             coordinates (0, 1) for X and (1, 2) for Y
//               swissroll_x-  u ↦ (t cos t, t sin t) / 21, t = 1.5π (1 + 2u), on a 1-D X
#include "diffinfo/analytic/synthetic.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace diffinfo {

/// The benchmark's 40 task ids, in its order.
std::vector<std::string> bmi_task_names();
/// n draws of a task: x [n, D_X], y [n, D_Y] float64; spec holds mutual_information (nats), its
/// source, dim_x, dim_y and the task's parameters.
Synthetic make_bmi(const std::string& task, int64_t n, torch::Generator& gen);

/// The benchmark's maps, one row per sample.
namespace bmi {
torch::Tensor half_cube(const torch::Tensor& x);
torch::Tensor normal_cdf(const torch::Tensor& x);
torch::Tensor wiggly_x(const torch::Tensor& x);
torch::Tensor wiggly_y(const torch::Tensor& y);
/// Rotation by angle speed · ‖x‖² in the plane of coordinates (i, j) (x_i' = cos θ x_i − sin θ x_j).
torch::Tensor spiral(const torch::Tensor& x, int64_t i, int64_t j, double speed);
/// [n, 1] in [0, 1] -> [n, 2].
torch::Tensor swissroll(const torch::Tensor& u);
/// The inverse of the CDF Σ_k w_k Φ(x − m_k) by bisection on [−10, 10] (as the benchmark does).
torch::Tensor mixture_icdf(const torch::Tensor& u, const std::vector<double>& weights, const std::vector<double>& means);
/// I(X; Y) of a Student t with identity dispersion in dx + dy dimensions, df degrees of freedom:
/// f(ν) + f(ν + dx + dy) − f(ν + dx) − f(ν + dy), f(k) = ln Γ(k/2) − (k/2) ψ(k/2) (Arellano-Valle et al. 2013).
double student_t_mutual_information(int64_t dx, int64_t dy, double df);
}  // namespace bmi

}  // namespace diffinfo
