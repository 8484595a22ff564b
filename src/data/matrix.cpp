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

}  // namespace diffinfo
