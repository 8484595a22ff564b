#include "commands.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace diffinfo::cli {

torch::Device parse_device(const std::string& name) {
  if (name != "cpu" && name.rfind("cuda", 0) != 0)
    throw std::runtime_error("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
  torch::Device device(name);
  if (device.is_cuda() && !torch::cuda::is_available())
    throw std::runtime_error("--device " + name + ": no CUDA device is available to this LibTorch build");
  return device;
}

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), tty_(::isatty(STDERR_FILENO) != 0) {
  start_ = last_ = std::chrono::steady_clock::now();
}

void ProgressBar::update(int64_t step, int64_t total, double loss) {
  if (!tty_) return;
  if (first_step_ < 0) first_step_ = step - 1;
  const auto now = std::chrono::steady_clock::now();
  if (step != total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? double(step - first_step_) / secs : 0.0;
  const int width = 30;
  const int filled = static_cast<int>(width * double(step) / double(total));
  std::string bar(filled, '#');
  bar.append(width - filled, '.');
  std::fprintf(stderr, "\r%s [%s] %lld/%lld  loss %s  %.0f steps/s ", label_.c_str(), bar.c_str(),
               static_cast<long long>(step), static_cast<long long>(total),
               std::isfinite(loss) ? std::to_string(loss).c_str() : "-", rate);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (tty_) std::fprintf(stderr, "\n");
}

}  // namespace diffinfo::cli
