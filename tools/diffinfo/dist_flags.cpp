#include "commands.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/dist/launch.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace diffinfo::cli {
namespace {

std::vector<std::string>& command_line() {
  static std::vector<std::string> args;
  return args;
}

}  // namespace

void set_command_line(int argc, char** argv) { command_line().assign(argv, argv + argc); }

void DistFlags::add(CLI::App* cmd) {
  cmd->add_option("--nproc", nproc, "run as N local ranks (c10d on 127.0.0.1); under torchrun, leave it out")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_option("--dist-backend", options.backend(), "auto (nccl on CUDA when built with it, else gloo) | gloo | nccl")
      ->check(CLI::IsMember(dist::backend_names()))
      ->capture_default_str();
  cmd->add_option("--dist-timeout", options.timeout(),
                  "seconds a rank waits for the others (to join, or in a collective) before it stops naming them")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

bool DistFlags::launch() const {
  if (nproc <= 1) return false;
  if (std::getenv("WORLD_SIZE") != nullptr)
    throw std::runtime_error("--nproc starts ranks itself: under torchrun (WORLD_SIZE is set), leave it out");
  // The same command without --nproc, as each rank.
  std::vector<std::string> args;
  const auto& all = command_line();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == "--nproc") {
      ++i;
      continue;
    }
    if (all[i].rfind("--nproc=", 0) == 0) continue;
    args.push_back(all[i]);
  }
  // A failed rank's peers notice at once (its sockets close) or after --dist-timeout; give them a moment
  // to say so, then stop them.
  dist::launch_local(args, nproc, std::min(options.timeout(), 10.0));
  return true;
}

dist::Group DistFlags::join(std::string& device) const {
  const auto launch = dist::launch_from_env();
  const auto where = dist::Group::device_for(launch, app::device_from_name(device));
  if (where.is_cuda()) device = where.str();
  auto group = dist::Group::join(launch, options, where);
  if (!group.leader()) set_printing(false);
  return group;
}

}  // namespace diffinfo::cli
