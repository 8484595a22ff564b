#pragma once
// `--nproc N`: N local ranks of the same command, for users without torchrun. Each child runs
// `argv` with torch.distributed's environment (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE,
// MASTER_ADDR=127.0.0.1, MASTER_PORT a free port), as `torchrun --standalone --nproc_per_node=N` would.
//
//   diffinfo::dist::launch_local({"/usr/bin/diffinfo", "train", "--data", "x.npy"}, 2);
#include <string>
#include <vector>

namespace diffinfo::dist {

/// Runs `argv` (argv[0] the executable) as `nproc` ranks and waits for them. When one fails (a
/// non-zero exit or a signal), the others get `grace_seconds` to stop on their own, then SIGTERM.
/// Throws naming the first rank that failed and how; returns when every rank exits 0.
void launch_local(const std::vector<std::string>& argv, int nproc, double grace_seconds = 30.0);

/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

}  // namespace diffinfo::dist
