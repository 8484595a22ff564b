// tune_cpu_process chooses LibTorch's AVX-512 kernels where the CPU has them and keeps the user's choice.
#include "diffinfo/cpu.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace diffinfo {
namespace {

TEST(CpuTuning, AvxFiveTwelveWhereTheCpuHasItAndTheUsersChoiceKept) {
  const char* before = std::getenv("ATEN_CPU_CAPABILITY");
  const std::string saved = before ? before : "";
  unsetenv("ATEN_CPU_CAPABILITY");
  tune_cpu_process();
  const char* chosen = std::getenv("ATEN_CPU_CAPABILITY");
#if defined(__x86_64__)
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#else
  const bool avx512 = false;
#endif
  if (avx512) {
    ASSERT_NE(chosen, nullptr);
    EXPECT_EQ(std::string(chosen), "avx512");
  } else {
    EXPECT_EQ(chosen, nullptr);
  }
  setenv("ATEN_CPU_CAPABILITY", "default", 1);
  tune_cpu_process();
  EXPECT_EQ(std::string(std::getenv("ATEN_CPU_CAPABILITY")), "default");
  if (saved.empty()) unsetenv("ATEN_CPU_CAPABILITY");
  else setenv("ATEN_CPU_CAPABILITY", saved.c_str(), 1);
}

}  // namespace
}  // namespace diffinfo
