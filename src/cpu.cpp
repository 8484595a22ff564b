#include "diffinfo/cpu.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <string>
#include <thread>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace diffinfo {

void tune_cpu_process() {
#if defined(__GLIBC__)
  if (std::getenv("GLIBC_TUNABLES") == nullptr && std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr &&
      std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr) {
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
  }
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (std::getenv("ATEN_CPU_CAPABILITY") == nullptr && __builtin_cpu_supports("avx512f") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    setenv("ATEN_CPU_CAPABILITY", "avx512", 0);
#endif
}

void choose_cpu_threads(bool convolutional, int ranks_on_host) {
  const char* world = std::getenv("WORLD_SIZE");  // a rank of torchrun or --nproc: its launcher chose
  if (ranks_on_host > 1 || (world != nullptr && std::string(world) != "1") || std::getenv("OMP_NUM_THREADS") != nullptr ||
      std::getenv("OPENBLAS_NUM_THREADS") != nullptr)
    return;
  // Found only where OpenBLAS is loaded (Debian's libblas.so.3 alternative, or linked directly).
  using SetThreads = void (*)(int);
  const auto openblas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (openblas == nullptr) return;
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  at::set_num_threads(convolutional ? cores : 1);
  openblas(convolutional ? 1 : cores);
}

}  // namespace diffinfo
