#pragma once
// Helpers shared by the tests: scratch directories, files, and running the real CLI.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
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

/// The one-line message of whatever `f` throws (c10::Error without its backtrace), or nullopt when it returns.
template <class F>
std::optional<std::string> thrown_message(F&& f) {
  try {
    f();
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  } catch (const std::exception& e) {
    return e.what();
  }
  return std::nullopt;
}

/// Passes when `f` throws a message that contains `expected`.
template <class F>
::testing::AssertionResult throws_with(F&& f, const std::string& expected) {
  const auto message = thrown_message(f);
  if (!message) return ::testing::AssertionFailure() << "nothing was thrown; expected a message with \"" << expected << "\"";
  if (message->find(expected) == std::string::npos)
    return ::testing::AssertionFailure() << "the message \"" << *message << "\" does not contain \"" << expected << "\"";
  return ::testing::AssertionSuccess();
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

/// Expects `statement` to throw an error whose message contains `expected` (a substring): every test
/// of bad input checks what the user would read, not only that something was thrown.
#define EXPECT_THROWS_WITH(statement, expected) \
  EXPECT_TRUE(::diffinfo::test::throws_with([&] { (void)(statement); }, (expected)))
