#include "diffinfo/data/stacking.h"

namespace diffinfo {

std::pair<torch::Tensor, torch::Tensor> stack_joint(const torch::Tensor& x, const torch::Tensor& y) {
  TORCH_CHECK(x.dim() == 2 && y.dim() == 2 && x.size(0) == y.size(0), "stack_joint needs x [N, D_X] and y [N, D_Y], got ",
              x.sizes(), " and ", y.sizes());
  auto z = torch::cat({x, y.to(x.dtype())}, 1);
  auto blocks = torch::arange(3, torch::dtype(torch::kInt64).device(x.device())).repeat_interleave(x.size(0));
  return {z.repeat({3, 1}), blocks};
}

std::pair<torch::Tensor, torch::Tensor> stack_coordinates(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) >= 1, "stack_coordinates needs [N, D], got ", x.sizes());
  const int64_t n = x.size(0), d = x.size(1);
  auto index = torch::arange(d, torch::dtype(torch::kInt64).device(x.device())).repeat({n});
  return {x.reshape({n * d, 1}), index};
}

}  // namespace diffinfo
