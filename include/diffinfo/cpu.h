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

/// The split of the cores between LibTorch's OpenMP threads and OpenBLAS's own threads that suits a network
/// on the CPU, where OpenBLAS is LibTorch's BLAS. Convolutional networks (U-Nets: oneDNN on LibTorch's threads)
/// get every core as LibTorch threads and one OpenBLAS thread; MLPs, whose time is in sgemm, one LibTorch
/// thread and every core for OpenBLAS. Two busy thread pools on the same cores spin against each other and
/// run several times slower than either (docs/performance.md). Leaves everything as it is where the user
/// set OMP_NUM_THREADS or OPENBLAS_NUM_THREADS, for one of several ranks (`ranks_on_host` > 1, or WORLD_SIZE
/// > 1: dist/group.h divides the cores),
/// or where the BLAS is not OpenBLAS.
void choose_cpu_threads(bool convolutional, int ranks_on_host = 1);

}  // namespace diffinfo
