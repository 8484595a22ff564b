// tune_cpu_process chooses LibTorch's AVX-512 kernels where the CPU has them, choose_cpu_threads splits the
// cores by network; both keep the user's choice.
#include "diffinfo/cpu.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <dlfcn.h>
#include <thread>

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

// Where OpenBLAS is the BLAS: all cores to LibTorch and one to OpenBLAS for a U-Net, the other way round for
// an MLP; nothing where the user chose (OMP_NUM_THREADS) or for one of several ranks.
TEST(CpuTuning, ThreadsSplitByNetworkUnlessTheUserChose) {
  using GetThreads = int (*)();
  const auto openblas = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  if (openblas == nullptr) GTEST_SKIP() << "the BLAS is not OpenBLAS";
  const char* omp = std::getenv("OMP_NUM_THREADS");
  const std::string saved = omp ? omp : "";
  const int before = at::get_num_threads(), blas_before = openblas();
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  unsetenv("OMP_NUM_THREADS");
  choose_cpu_threads(true);
  EXPECT_EQ(at::get_num_threads(), cores);
  EXPECT_EQ(openblas(), 1);
  choose_cpu_threads(false);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(openblas(), cores);
  choose_cpu_threads(true, /*ranks_on_host=*/2);
  EXPECT_EQ(at::get_num_threads(), 1);  // unchanged
  setenv("OMP_NUM_THREADS", "1", 1);
  choose_cpu_threads(true);
  EXPECT_EQ(at::get_num_threads(), 1);
  if (saved.empty()) unsetenv("OMP_NUM_THREADS");
  else setenv("OMP_NUM_THREADS", saved.c_str(), 1);
  at::set_num_threads(before);
  using SetThreads = void (*)(int);
  reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))(blas_before);
}

}  // namespace
}  // namespace diffinfo
