#include "diffinfo/train/precision.h"

#include "diffinfo/names.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace diffinfo {
namespace {

// LibTorch 2.4 names autocast by device type; 1.13 has one call for the CPU and one for CUDA.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool enabled(torch::DeviceType d) { return at::autocast::is_autocast_enabled(d); }
void enable(torch::DeviceType d, bool on) { at::autocast::set_autocast_enabled(d, on); }
at::ScalarType dtype(torch::DeviceType d) { return at::autocast::get_autocast_dtype(d); }
void set_dtype(torch::DeviceType d, at::ScalarType t) { at::autocast::set_autocast_dtype(d, t); }
#else
bool enabled(torch::DeviceType d) { return d == torch::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled(); }
void enable(torch::DeviceType d, bool on) {
  if (d == torch::kCPU) at::autocast::set_cpu_enabled(on);
  else at::autocast::set_enabled(on);
}
at::ScalarType dtype(torch::DeviceType d) {
  return d == torch::kCPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
}
void set_dtype(torch::DeviceType d, at::ScalarType t) {
  if (d == torch::kCPU) at::autocast::set_autocast_cpu_dtype(t);
  else at::autocast::set_autocast_gpu_dtype(t);
}
#endif

}  // namespace

std::vector<std::string> precision_names() { return {"float32", "bfloat16"}; }

ReducedPrecision::ReducedPrecision(const std::string& precision, const torch::Device& device) {
  TORCH_CHECK(is_known(precision_names(), precision), unknown_name("precision", precision, precision_names()));
  if (precision == "float32") return;
  TORCH_CHECK(device.is_cpu() || device.is_cuda(), "bfloat16 training runs on a CPU or a CUDA device, not ", device);
  on_ = true, device_ = device.type();
  was_enabled_ = enabled(device_), was_dtype_ = dtype(device_);
  enable(device_, true);
  set_dtype(device_, at::kBFloat16);
  at::autocast::increment_nesting();
}

ReducedPrecision::~ReducedPrecision() {
  if (!on_) return;
  // The outermost scope drops the bfloat16 copies of the weights, which change with every step.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  enable(device_, was_enabled_);
  set_dtype(device_, was_dtype_);
}

}  // namespace diffinfo
