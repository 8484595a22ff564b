#include "diffinfo/dist/group.h"

#include "diffinfo/names.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef DIFFINFO_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace diffinfo::dist {
namespace {

using Milliseconds = std::chrono::milliseconds;
constexpr int64_t kBucketBytes = 25 << 20;  // as DistributedDataParallel's default bucket_cap_mb

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string message_of(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return first_line(c->what_without_backtrace());
  return first_line(e.what());
}

int env_int(const char* name, int fallback, int lowest) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end != '\0' || x < lowest || x > 1 << 20)
    throw std::runtime_error(std::string("environment variable ") + name + "='" + v + "': expected an integer >= " +
                             std::to_string(lowest));
  return static_cast<int>(x);
}

std::string list(const std::vector<int>& ranks) {
  std::string s;
  for (int r : ranks) s += (s.empty() ? "" : ", ") + std::to_string(r);
  return s;
}

std::string seconds(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

bool loopback(const std::string& addr) { return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1"; }

}  // namespace

struct Group::State {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#ifdef DIFFINFO_WITH_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  torch::Device device{torch::kCPU};  // where the backend takes its tensors
  std::string where;                   // MASTER_ADDR:MASTER_PORT
  double timeout = 0;
  int rank = 0, size = 1;

  template <class F>
  auto with_backend(F f) {
#ifdef DIFFINFO_WITH_NCCL
    if (nccl) return f(*nccl);
#endif
    return f(*gloo);
  }

  // The ranks that do not answer through the store within a few seconds, after `what` failed here:
  // the survivors of a failed collective each mark themselves alive and look for the others.
  [[noreturn]] void fail(const std::string& what, const std::exception& e) {
    const std::string prefix = "rank " + std::to_string(rank) + ": " + what + " failed";
    std::vector<int> silent;
    try {
      store->setTimeout(Milliseconds(3000));
      store->set("alive/" + std::to_string(rank), std::vector<uint8_t>{1});
      const auto deadline = std::chrono::steady_clock::now() + Milliseconds(3000);
      for (int q = 0; q < size; ++q) {
        if (q == rank) continue;
        const auto left = std::max<int64_t>(
            100, std::chrono::duration_cast<Milliseconds>(deadline - std::chrono::steady_clock::now()).count());
        try {
          store->wait({"alive/" + std::to_string(q)}, Milliseconds(left));
        } catch (const std::exception&) {
          silent.push_back(q);
        }
      }
    } catch (const std::exception&) {
      throw std::runtime_error(prefix + ": rank 0, which holds the store at " + where +
                               ", died or stopped answering (" + message_of(e) + ")");
    }
    if (silent.empty())
      throw std::runtime_error(prefix + " while every rank is alive (" + message_of(e) +
                               "): do all ranks run the same command on the same data?");
    throw std::runtime_error(prefix + ": rank" + (silent.size() > 1 ? "s " : " ") + list(silent) +
                             " died or stopped answering within " + seconds(timeout) + " s (" + message_of(e) + ")");
  }
};

std::vector<std::string> backend_names() { return {"auto", "gloo", "nccl"}; }

Launch launch_from_env() {
  Launch l;
  l.size = env_int("WORLD_SIZE", 1, 1);
  if (l.size == 1) return l;
  for (const char* name : {"RANK", "MASTER_ADDR", "MASTER_PORT"})
    if (std::getenv(name) == nullptr)
      throw std::runtime_error(std::string("WORLD_SIZE=") + std::to_string(l.size) + " but " + name +
                               " is not set: launch with torchrun, or with --nproc N");
  l.rank = env_int("RANK", 0, 0);
  if (l.rank >= l.size)
    throw std::runtime_error("RANK=" + std::to_string(l.rank) + " is not below WORLD_SIZE=" + std::to_string(l.size));
  l.local_rank = env_int("LOCAL_RANK", l.rank, 0);
  l.local_size = env_int("LOCAL_WORLD_SIZE", l.size, 1);
  l.addr = std::getenv("MASTER_ADDR");
  l.port = env_int("MASTER_PORT", 29500, 1);
  if (l.port > 65535) throw std::runtime_error("MASTER_PORT=" + std::to_string(l.port) + ": expected a port, 1..65535");
  const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
  l.agent_store = agent != nullptr && (std::string(agent) == "True" || std::string(agent) == "1");
  return l;
}

torch::Device Group::device_for(const Launch& launch, const torch::Device& device) {
  if (device.is_cuda() && launch.size > 1 && !device.has_index())
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(launch.local_rank));
  return device;
}

Group::Group() = default;

Group Group::join(const Launch& l, const GroupOptions& o, const torch::Device& device) {
  if (!is_known(backend_names(), o.backend())) throw std::runtime_error(unknown_name("backend", o.backend(), backend_names()));
  if (!(o.timeout() > 0)) throw std::runtime_error("the distributed timeout must be > 0 seconds, got " + seconds(o.timeout()));
  // Settings every rank shares fail on every rank, before any of them waits for the others.
  const bool nccl = o.backend() == "nccl" || (o.backend() == "auto" && device.is_cuda() && torch::cuda::is_available());
#ifdef DIFFINFO_WITH_NCCL
  if (nccl && !device.is_cuda()) throw std::runtime_error("--dist-backend nccl needs --device cuda");
#else
  if (o.backend() == "nccl")
    throw std::runtime_error("--dist-backend nccl needs a CUDA build of LibTorch; this one has none (use gloo)");
#endif
  Group g;
  if (l.size <= 1) return g;
  g.rank_ = l.rank, g.size_ = l.size;
  auto st = std::make_shared<State>();
  st->rank = l.rank, st->size = l.size, st->timeout = o.timeout();
  st->where = l.addr + ":" + std::to_string(l.port);
  const auto timeout = Milliseconds(static_cast<int64_t>(o.timeout() * 1000));
  const std::string me = "rank " + std::to_string(l.rank) + " of " + std::to_string(l.size);

  // Ranks beside each other on one host share its cores: OpenMP threads beside busy processes run
  // far slower than one thread each (docs/distributed.md). torchrun sets OMP_NUM_THREADS itself.
  if (std::getenv("OMP_NUM_THREADS") == nullptr)
    torch::set_num_threads(std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / l.local_size));

  c10d::TCPStoreOptions so;
  so.port = static_cast<uint16_t>(l.port);
  so.isServer = l.rank == 0 && !l.agent_store;
  so.numWorkers = l.size;
  so.waitWorkers = false;  // the group's rendezvous below waits, and says who is missing
  so.timeout = timeout;
  c10::intrusive_ptr<c10d::Store> tcp;
  try {
    tcp = c10::make_intrusive<c10d::TCPStore>(l.addr, so);
  } catch (const std::exception& e) {
    if (so.isServer)
      throw std::runtime_error(me + ": cannot hold the store on " + st->where + " (" + message_of(e) +
                               "): is MASTER_PORT in use? choose another");
    throw std::runtime_error(me + ": found no store at " + st->where + " within " + seconds(o.timeout()) +
                             " s: rank 0 never started, or MASTER_ADDR/MASTER_PORT differ between ranks (" + message_of(e) + ")");
  }
  st->store = c10::make_intrusive<c10d::PrefixStore>("diffinfo", tcp);
  st->store->set("joined/" + std::to_string(l.rank), std::vector<uint8_t>{1});

  try {
    if (nccl) {
#ifdef DIFFINFO_WITH_NCCL
      auto opts = c10d::ProcessGroupNCCL::Options::create();
      opts->timeout = timeout;
      st->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(st->store, l.rank, l.size, opts);
      st->device = device_for(l, device);
#endif
    }
#ifdef DIFFINFO_WITH_NCCL
    if (!st->nccl)
#endif
    {
      auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
      const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
      opts->devices.push_back(ifname != nullptr ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname)
                              : loopback(l.addr) ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                                 : c10d::ProcessGroupGloo::createDefaultDevice());
      st->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(st->store, l.rank, l.size, opts);
    }
  } catch (const std::exception& e) {
    std::vector<int> missing;
    try {
      for (int q = 0; q < l.size; ++q)
        if (!st->store->check({"joined/" + std::to_string(q)})) missing.push_back(q);
    } catch (const std::exception&) {
    }
    throw std::runtime_error(me + ": the " + std::to_string(l.size) + " ranks at " + st->where + " did not form a group within " +
                             seconds(o.timeout()) + " s" +
                             (missing.empty() ? "" : ": rank" + std::string(missing.size() > 1 ? "s " : " ") + list(missing) + " never joined") +
                             " (" + message_of(e) + ")");
  }
  g.state_ = st;
  return g;
}

std::pair<int64_t, int64_t> Group::share(int64_t n) const {
  const int64_t base = n / size_, extra = n % size_;
  const int64_t begin = rank_ * base + std::min<int64_t>(rank_, extra);
  return {begin, begin + base + (rank_ < extra ? 1 : 0)};
}

void Group::sum(std::vector<torch::Tensor>& tensors, const std::string& what) const {
  if (size_ == 1 || tensors.empty()) return;
  auto& st = *state_;
  try {
    // Buckets of consecutive tensors of one dtype, each packed flat: one all-reduce per bucket, not per tensor.
    struct Bucket {
      size_t first, last;
      torch::Tensor flat;
    };
    std::vector<Bucket> buckets;
    for (size_t i = 0; i < tensors.size();) {
      size_t j = i;
      int64_t bytes = 0;
      while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
             (j == i || bytes + static_cast<int64_t>(tensors[j].nbytes()) <= kBucketBytes))
        bytes += static_cast<int64_t>(tensors[j++].nbytes());
      std::vector<torch::Tensor> flat;
      for (size_t k = i; k < j; ++k) flat.push_back(tensors[k].reshape({-1}).to(st.device));
      buckets.push_back({i, j, torch::cat(flat)});
      i = j;
    }
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    for (auto& b : buckets) {
      std::vector<at::Tensor> one{b.flat};
      works.push_back(st.with_backend([&](auto& pg) { return pg.allreduce(one); }));
    }
    for (auto& w : works) w->wait();
    for (auto& b : buckets)
      for (size_t k = b.first, offset = 0; k < b.last; ++k) {
        auto& t = tensors[k];
        t.copy_(b.flat.narrow(0, static_cast<int64_t>(offset), t.numel()).view(t.sizes()));
        offset += static_cast<size_t>(t.numel());
      }
  } catch (const std::exception& e) {
    st.fail(what, e);
  }
}

void Group::sum(torch::Tensor& tensor, const std::string& what) const {
  std::vector<torch::Tensor> one{tensor};
  sum(one, what);
}

void Group::check_same(const std::string& what, const std::string& value) const {
  if (size_ == 1) return;
  auto hashes = torch::zeros({size_}, torch::kInt64);
  hashes[rank_] = static_cast<int64_t>(std::hash<std::string>()(value) >> 1);
  sum(hashes, "comparing the " + what + " of the ranks");
  const auto h = hashes.accessor<int64_t, 1>();
  for (int q = 1; q < size_; ++q)
    if (h[q] != h[0])
      throw std::runtime_error("rank " + std::to_string(rank_) + ": the " + what + " of rank " + std::to_string(q) +
                               " differs from rank 0's: every rank must run the same command on the same files");
}

void Group::agree(const std::string& what, const std::function<void()>& step) const {
  std::exception_ptr error;
  try {
    step();
  } catch (const std::exception&) {
    error = std::current_exception();
  }
  if (size_ == 1) {
    if (error) std::rethrow_exception(error);
    return;
  }
  auto failed = torch::zeros({size_}, torch::kInt64);
  if (error) failed[rank_] = 1;
  sum(failed, what);
  if (error) std::rethrow_exception(error);
  const auto f = failed.accessor<int64_t, 1>();
  for (int q = 0; q < size_; ++q)
    if (f[q] != 0)
      throw std::runtime_error("rank " + std::to_string(rank_) + ": " + what + " stopped: rank " + std::to_string(q) +
                               " failed (its error is above)");
}

}  // namespace diffinfo::dist
