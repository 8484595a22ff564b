#pragma once
// Several processes measuring or training as one, on torch.distributed's engine (c10d): a TCPStore
// for the rendezvous and a Gloo (CPU) or NCCL (CUDA) process group for every collective. Launched by
// torchrun or by `--nproc N` (dist/launch.h), each rank reads the same environment torch.distributed
// reads (docs/distributed.md).
//
//   auto group = diffinfo::dist::Group::join(diffinfo::dist::launch_from_env(), {}, device);
//   auto [begin, end] = group.share(rows);        // this rank's rows
//   group.sum(partial);                           // the sum over ranks, on every rank
//
// A default-constructed Group is one process: every collective returns at once.
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace diffinfo::dist {

struct GroupOptions {
  /// "auto" (nccl on a CUDA device when LibTorch has it, else gloo) | "gloo" | "nccl" (default "auto").
  TORCH_ARG(std::string, backend) = "auto";
  /// Seconds a rank waits for the others, to join or inside one collective, before it stops with an
  /// error naming the ranks that did not answer (default 300).
  TORCH_ARG(double, timeout) = 300.0;
};

/// Where this process stands among the ranks: torch.distributed's environment variables.
struct Launch {
  int rank = 0, size = 1, local_rank = 0, local_size = 1;
  std::string addr = "127.0.0.1";  ///< MASTER_ADDR
  int port = 29500;                ///< MASTER_PORT
  bool agent_store = false;        ///< TORCHELASTIC_USE_AGENT_STORE: the launcher, not rank 0, holds the store
};

/// RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT; one process when WORLD_SIZE
/// is unset. Throws naming the variable when one is malformed or missing beside WORLD_SIZE > 1.
Launch launch_from_env();

/// The known backends, in order.
std::vector<std::string> backend_names();

class Group {
 public:
  /// One process: rank 0 of 1.
  Group();
  /// Joins the `launch.size` ranks (a no-op for one); with CUDA, `device` should be cuda:LOCAL_RANK
  /// (device_for). Throws within options.timeout naming the ranks that never joined, or the port in use.
  static Group join(const Launch& launch, const GroupOptions& options, const torch::Device& device);
  /// The device a rank computes on: cuda:LOCAL_RANK when `device` is CUDA and several ranks share a host.
  static torch::Device device_for(const Launch& launch, const torch::Device& device);

  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Rank 0: the one that writes files and prints.
  bool leader() const { return rank_ == 0; }

  /// [begin, end) of this rank's contiguous share of n items (sizes differ by at most one).
  std::pair<int64_t, int64_t> share(int64_t n) const;
  /// Whether item i of a round-robin split is this rank's.
  bool owns(int64_t i) const { return i % size_ == rank_; }

  /// Sums each tensor over the ranks, in place, on every rank. The tensors are packed into buckets of
  /// about 25 MB, one all-reduce per bucket, all in flight together. `what` names the collective in errors.
  void sum(std::vector<torch::Tensor>& tensors, const std::string& what) const;
  void sum(torch::Tensor& tensor, const std::string& what) const;
  /// Throws on every rank when some rank's `value` differs from rank 0's: "<what> differs between ranks".
  void check_same(const std::string& what, const std::string& value) const;
  /// Runs `step` on every rank; when it throws on some rank, every rank throws: that rank its own
  /// error, the others one naming the rank that failed. Use it where ranks part ways (checks, files).
  void agree(const std::string& what, const std::function<void()>& step) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  int rank_ = 0, size_ = 1;
};

}  // namespace diffinfo::dist
