#include "diffinfo/data/matrix.h"

#include "diffinfo/data/csv.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/io/files.h"

#include <stdexcept>

namespace diffinfo {
void check_finite(const torch::Tensor& x, const std::string& what) {
  auto bad = (~torch::isfinite(x)).any(1).nonzero();
  if (bad.numel() > 0)
    throw std::runtime_error(what + ": row " + std::to_string(bad[0][0].item<int64_t>()) +
                             " holds NaN or Inf (expected finite numbers)");
}

torch::Tensor load_matrix(const std::string& path) {
  torch::Tensor x;
  if (ends_with(path, ".npy")) {
    x = read_npy(path);
    if (x.scalar_type() != torch::kFloat32 && x.scalar_type() != torch::kFloat64)
      throw std::runtime_error(path + ": expected float32 or float64 data, got " +
                               std::string(c10::toString(x.scalar_type())));
  } else if (ends_with(path, ".csv")) {
    x = read_csv(path);
  } else {
    throw std::runtime_error(path + ": unknown data format (expected .npy or .csv)");
  }
  if (x.dim() == 1) x = x.unsqueeze(1);
  if (x.dim() != 2)
    throw std::runtime_error(path + ": expected a 1-D or 2-D array [N, D], got " + std::to_string(x.dim()) + " dimensions");
  if (x.size(0) < 2 || x.size(1) < 1)
    throw std::runtime_error(path + ": expected at least 2 rows and 1 column, got [" + std::to_string(x.size(0)) + ", " +
                             std::to_string(x.size(1)) + "]");
  x = x.to(torch::kFloat64);
  check_finite(x, path);
  return x;
}

torch::Tensor load_labels(const std::string& path, int64_t classes) {
  if (!ends_with(path, ".npy")) throw std::runtime_error(path + ": labels must be a .npy file of integers");
  auto l = read_npy(path);
  const auto type = l.scalar_type();
  if (type != torch::kInt64 && type != torch::kInt32 && type != torch::kUInt8)
    throw std::runtime_error(path + ": expected integer class labels (int64, int32 or uint8), got " +
                             std::string(c10::toString(type)));
  if (l.dim() == 2 && l.size(1) == 1) l = l.squeeze(1);
  if (l.dim() != 1 || l.size(0) < 2)
    throw std::runtime_error(path + ": expected labels [N] with N >= 2, got shape " + c10::str(l.sizes()));
  l = l.to(torch::kInt64);
  const int64_t lo = l.min().item<int64_t>(), hi = l.max().item<int64_t>();
  if (lo < 0) throw std::runtime_error(path + ": expected labels 0…K−1, found " + std::to_string(lo));
  if (classes > 0) {
    if (hi >= classes)
      throw std::runtime_error(path + ": expected labels 0…" + std::to_string(classes - 1) + " (the run has " +
                               std::to_string(classes) + " classes), found " + std::to_string(hi));
    return l;
  }
  if (hi >= l.size(0))  // checked before anything is sized by the labels
    throw std::runtime_error(path + ": expected labels 0…K−1 with every class present, found label " + std::to_string(hi) +
                             " among only " + std::to_string(l.size(0)) + " rows");
  auto counts = torch::bincount(l, {}, hi + 1);
  auto missing = (counts == 0).nonzero();
  if (missing.numel() > 0)
    throw std::runtime_error(path + ": expected labels 0…K−1 with every class present, class " +
                             std::to_string(missing[0][0].item<int64_t>()) + " of 0…" + std::to_string(hi) +
                             " never occurs");
  return l;
}

}  // namespace diffinfo
