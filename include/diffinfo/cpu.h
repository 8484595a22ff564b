#pragma once
// Process-wide CPU settings that LibTorch leaves at values slow for diffinfo's work (docs/performance.md,
// "Where the time goes"). Call once at the start of main, before the first tensor operation.

namespace diffinfo {

/// (1) glibc keeps freed blocks of up to 64 MiB in its heap instead of returning them to the system:
/// every training step allocates tensors of hundreds of kB, which otherwise come from fresh mmap pages,
/// faulted and zeroed each step. (2) LibTorch 1.13 runs its AVX2 kernels on AVX-512 machines unless
/// ATEN_CPU_CAPABILITY says otherwise: where the CPU has AVX-512 (F, BW, VL, DQ) and the variable is not
/// set, it is set to avx512. Each applies only where the user has not chosen (MALLOC_* / GLIBC_TUNABLES,
/// ATEN_CPU_CAPABILITY). Results change only in the rounding of vectorised kernels.
void tune_cpu_process();

}  // namespace diffinfo
