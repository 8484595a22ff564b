#include "diffinfo/dist/launch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace diffinfo::dist {
namespace {

std::string how(int status) {
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("--nproc: cannot open a socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof(a);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("--nproc: no free port on 127.0.0.1: " + why);
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

void launch_local(const std::vector<std::string>& argv, int nproc, double grace_seconds) {
  if (nproc < 1) throw std::runtime_error("--nproc must be >= 1, got " + std::to_string(nproc));
  if (argv.empty()) throw std::runtime_error("--nproc: nothing to run");
  const std::string port = std::to_string(free_port());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<pid_t> pids;
  for (int r = 0; r < nproc; ++r) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("--nproc: cannot start rank ") + std::to_string(r) + ": " + std::strerror(errno));
    if (pid == 0) {
      const std::string rank = std::to_string(r), size = std::to_string(nproc);
      ::setenv("RANK", rank.c_str(), 1), ::setenv("LOCAL_RANK", rank.c_str(), 1);
      ::setenv("WORLD_SIZE", size.c_str(), 1), ::setenv("LOCAL_WORLD_SIZE", size.c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1), ::setenv("MASTER_PORT", port.c_str(), 1);
      ::setenv("GLOG_minloglevel", "3", 0);  // c10d's own log lines repeat the one-line errors the ranks print
      ::execv("/proc/self/exe", args.data());
      std::fprintf(stderr, "diffinfo: error: --nproc: cannot run %s: %s\n", argv[0].c_str(), std::strerror(errno));
      std::_Exit(127);
    }
    pids.push_back(pid);
  }
  // Wait for all; after the first failure, the rest get the grace period, then SIGTERM, then SIGKILL.
  std::string failure;
  int running = nproc;
  auto deadline = std::chrono::steady_clock::time_point::max();
  bool termed = false;
  while (running > 0) {
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, failure.empty() ? 0 : WNOHANG);
    if (done > 0) {
      --running;
      for (int r = 0; r < nproc; ++r)
        if (pids[static_cast<size_t>(r)] == done) {
          pids[static_cast<size_t>(r)] = -1;
          if (failure.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            failure = "rank " + std::to_string(r) + " of " + std::to_string(nproc) + " " + how(status);
            deadline = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(grace_seconds * 1000));
          }
        }
      continue;
    }
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      for (pid_t p : pids)
        if (p > 0) ::kill(p, termed ? SIGKILL : SIGTERM);
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      termed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!failure.empty()) throw std::runtime_error(failure + (nproc > 1 ? "; the other ranks stopped" : ""));
}

}  // namespace diffinfo::dist
