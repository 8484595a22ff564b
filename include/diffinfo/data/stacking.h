#pragma once
// The training rows of the models that stack several views of one data set in one network: joint
// diffusion of Z = [X, Y] (MINDE-j: Z, X alone and Y alone, told apart by a block label) and the
// per-coordinate marginals of X behind total correlation (Kelly gamblers Eq. 8, told apart by the
// coordinate index).
//
//   auto [z, blocks] = diffinfo::stack_joint(x, y);        // [3N, D_X + D_Y], [3N]
//   auto [flat, index] = diffinfo::stack_coordinates(x);   // [N·D, 1], [N·D]
#include <torch/torch.h>

#include <utility>

namespace diffinfo {

/// [N, D_X], [N, D_Y] -> {[3N, D_X + D_Y] the rows of [X, Y] three times, [3N] int64 block labels
/// 0, 1, 2}: a joint model's training data, each block a third of every batch on average.
std::pair<torch::Tensor, torch::Tensor> stack_joint(const torch::Tensor& x, const torch::Tensor& y);

/// [N, D] -> {[N·D, 1] every coordinate as a 1-D sample, [N·D] int64 coordinate index k}.
std::pair<torch::Tensor, torch::Tensor> stack_coordinates(const torch::Tensor& x);

}  // namespace diffinfo
