#pragma once
// What a conditional network is conditioned on (Kelly gamblers §4, docs/math.md §4). One network serves
// both p(x|y) and p(x) through a null token: an undefined `value` means "null for every row".
// `value` is class labels [B] int64 in 0…K−1 or vectors [B, D_Y]; where `keep` ([B] bool) is
// false the row gets the null token instead (classifier-free dropout during training).
//
//   model.residual(x_s, s, labels);                  // e_θ(x_s, s; c)
//   model.residual(x_s, s);                          // e_θ(x_s, s), the null condition
//   model.residual(x_s, s, {labels, keep});          // mixed, as in training
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace diffinfo {

/// What a model is conditioned on (a run's `cond.kind` in config.json).
enum class CondKind {
  kNone,         ///< "none": p(x) alone
  kVector,       ///< "vector": vectors Y [N, D_Y]
  kLabels,       ///< "labels": class labels 0…K−1
  kCoordinates,  ///< "coordinates": the per-coordinate marginals of X, labelled by index (Kelly gamblers Eq. 8)
  kJoint,        ///< "joint": joint diffusion of Z = [X, Y], a block label per row (MINDE-j)
};

/// The config.json name of a kind: "none", "vector", "labels", "coordinates", "joint".
std::string name(CondKind kind);
/// The kind of a name; an unknown one throws "cond.kind 'x' not found; known: none, vector, …".
CondKind cond_kind_from_name(const std::string& name);
/// The known names, in order.
std::vector<std::string> cond_kind_names();

struct Condition {
  Condition(torch::Tensor value = {}, torch::Tensor keep = {}) : value(std::move(value)), keep(std::move(keep)) {}
  /// True for the null condition of every row.
  bool is_null() const { return !value.defined(); }
  /// Rows [start, end) of this condition (the null condition stays null).
  Condition slice(int64_t start, int64_t end) const {
    return {value.defined() ? value.slice(0, start, end) : value, keep.defined() ? keep.slice(0, start, end) : keep};
  }
  /// The rows `index` ([B] int64) of this condition.
  Condition rows(const torch::Tensor& index) const {
    return {value.defined() ? value.index_select(0, index) : value, keep.defined() ? keep.index_select(0, index) : keep};
  }

  torch::Tensor value, keep;
};

}  // namespace diffinfo
