#pragma once
// Helpers shared by the tests: scratch directories, files, and running the real CLI.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace diffinfo::test {

/// A fresh, empty directory for the current test.
inline std::string scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() / "diffinfo-tests" /
             (std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

struct CliResult {
  int code;
  std::string out, err;
};

/// Runs `diffinfo <args>` (args are shell words) with stdout and stderr captured.
inline CliResult run_cli(const std::string& args, const std::string& dir) {
  const std::string out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  const std::string cmd = std::string(DIFFINFO_CLI) + " " + args + " >" + out + " 2>" + err + " </dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

/// The grid of forward processes × time samplers that several suites run over, and its test names.
inline auto processes_and_time_samplers() {
  return ::testing::Combine(::testing::Values("vp", "vpx", "sl", "ve"), ::testing::Values("importance", "uniform"));
}
inline std::string process_sampler_name(
    const ::testing::TestParamInfo<std::tuple<std::string, std::string>>& info) {
  return std::get<0>(info.param) + "_" + std::get<1>(info.param);
}

/// Passes when |value - expected| <= k * stderr (+ an absolute floor for exact cases).
inline ::testing::AssertionResult within_stderr(double value, double expected, double stderr_, double k = 4.0,
                                                double floor = 1e-12) {
  const double tol = k * stderr_ + floor;
  if (std::abs(value - expected) <= tol) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << value << " differs from " << expected << " by " << value - expected
                                       << ", more than " << k << " stderr (" << stderr_ << ")";
}

}  // namespace diffinfo::test
