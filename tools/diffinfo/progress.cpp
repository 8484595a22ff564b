#include "commands.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace diffinfo::cli {

TrainCallbacks ProgressBar::start(const std::string& label) {
  finish();
  label_ = label;
  first_step_ = -1;
  start_ = last_ = std::chrono::steady_clock::now();
  TrainCallbacks callbacks;
  if (::isatty(STDERR_FILENO)) callbacks.progress = [this](int64_t s, int64_t n, double loss) { update(s, n, loss); };
  return callbacks;
}

void ProgressBar::update(int64_t step, int64_t total, double loss) {
  if (first_step_ < 0) first_step_ = step - 1;
  const auto now = std::chrono::steady_clock::now();
  if (step != total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
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
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

app::Progress progress(const std::shared_ptr<ProgressBar>& bar, bool json) {
  app::Progress p;
  p.training = [bar](const std::string& label) { return bar->start(label); };
  if (!json) p.line = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
  return p;
}

}  // namespace diffinfo::cli
