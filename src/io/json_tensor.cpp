#include "diffinfo/io/json_tensor.h"

#include <vector>

namespace diffinfo {
namespace {

nlohmann::json to_json_rec(const torch::Tensor& t) {
  if (t.dim() == 0) return t.item<double>();
  auto out = nlohmann::json::array();
  for (int64_t i = 0; i < t.size(0); ++i) out.push_back(to_json_rec(t[i]));
  return out;
}

void flatten(const nlohmann::json& j, int64_t level, int64_t dims, std::vector<int64_t>& shape,
             std::vector<double>& values, const std::string& what) {
  if (level == dims) {
    TORCH_CHECK(j.is_number(), what, ": expected a number, got ", j.dump());
    values.push_back(j.get<double>());
    return;
  }
  TORCH_CHECK(j.is_array() && !j.empty(), what, ": expected a non-empty array at depth ", level, ", got ", j.dump());
  const auto n = static_cast<int64_t>(j.size());
  if (static_cast<int64_t>(shape.size()) <= level) shape.push_back(n);
  TORCH_CHECK(shape[level] == n, what, ": ragged array (", n, " entries where ", shape[level], " were expected)");
  for (const auto& e : j) flatten(e, level + 1, dims, shape, values, what);
}

}  // namespace

nlohmann::json tensor_to_json(const torch::Tensor& t) {
  return to_json_rec(t.detach().to(torch::kCPU, torch::kFloat64));
}

torch::Tensor json_to_tensor(const nlohmann::json& j, int64_t dims, const std::string& what) {
  std::vector<int64_t> shape;
  std::vector<double> values;
  flatten(j, 0, dims, shape, values, what);
  return torch::tensor(values, torch::kFloat64).reshape(shape);
}

}  // namespace diffinfo
