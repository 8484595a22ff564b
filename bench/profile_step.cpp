// Where the time of one training step goes: `build/diffinfo_profile [WIDTH] [DIM] [STEPS]` trains the default
// MLP (batch 512) under LibTorch's profiler and prints each operator's own time per step (its time less
// that of the operators it calls), largest first. Default: width 256, D = 6, 300 steps.
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/cpu.h"
#include "diffinfo/random.h"
#include "diffinfo/train/trainer.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  diffinfo::tune_cpu_process();
  const int64_t width = argc > 1 ? std::stoll(argv[1]) : 256, dim = argc > 2 ? std::stoll(argv[2]) : 6,
                steps = argc > 3 ? std::stoll(argv[3]) : 300;
  auto gen = diffinfo::make_generator(0);
  const auto x = diffinfo::GaussianData(torch::zeros({dim}, torch::kFloat64), torch::eye(dim, torch::kFloat64))
                     .as_mixture()
                     .sample(20000, gen);
  diffinfo::RunConfig c;
  c.process = diffinfo::make_process("vp")->config();
  c.model = diffinfo::NetworkOptions(dim).width(width);
  c.train.steps(steps).log_every(steps);
  c.data_path = "memory";
  const auto dir = std::filesystem::temp_directory_path() / "diffinfo-profile-run";
  std::filesystem::remove_all(dir);
  std::stringstream trace;
  double seconds = 0;
  {
    torch::autograd::profiler::RecordProfile profile(trace);
    seconds = diffinfo::train(c, x, dir.string(), false, torch::kCPU).seconds;
  }
  std::filesystem::remove_all(dir);
  // Complete events ("X") nest by time on each thread: an event's own time is its duration less its children's.
  auto events = nlohmann::json::parse(trace.str());
  std::vector<nlohmann::json> xs;
  for (auto& e : events)
    if (e.value("ph", "") == "X") xs.push_back(e);
  std::sort(xs.begin(), xs.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(a["tid"].dump(), a["ts"].template get<double>(), -a["dur"].template get<double>()) <
           std::make_tuple(b["tid"].dump(), b["ts"].template get<double>(), -b["dur"].template get<double>());
  });
  struct Open { std::string name, tid; double end; };
  std::map<std::string, std::pair<double, int64_t>> own;  // name -> (µs, calls)
  std::vector<Open> stack;
  for (const auto& e : xs) {
    const double ts = e["ts"], dur = e["dur"];
    const std::string tid = e["tid"].dump(), name = e["name"];
    while (!stack.empty() && (stack.back().tid != tid || stack.back().end <= ts)) stack.pop_back();
    if (!stack.empty()) own[stack.back().name].first -= dur;
    own[name].first += dur, own[name].second += 1;
    stack.push_back({name, tid, ts + dur});
  }
  std::vector<std::pair<std::string, std::pair<double, int64_t>>> rows(own.begin(), own.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  double total = 0;
  for (const auto& r : rows) total += r.second.first;
  std::printf("width %lld, D = %lld, batch 512, %lld steps: %.3f ms per step under the profiler (%.3f ms of operators)\n",
              static_cast<long long>(width), static_cast<long long>(dim), static_cast<long long>(steps),
              1e3 * seconds / steps, 1e-3 * total / steps);
  std::printf("| operator | calls per step | own µs per step | share |\n|---|---|---|---|\n");
  for (size_t i = 0; i < std::min<size_t>(rows.size(), 16); ++i)
    std::printf("| %s | %.1f | %.1f | %.1f %% |\n", rows[i].first.c_str(), double(rows[i].second.second) / steps,
                rows[i].second.first / steps, 100 * rows[i].second.first / total);
}
