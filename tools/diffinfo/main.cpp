// diffinfo: measure the information inside diffusion models.
#include "commands.h"

#include <cstdlib>
#include <iostream>

namespace {

// One of several ranks names itself, unless the message already does (dist/group.h's errors).
std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  const char* rank = std::getenv("RANK");
  const char* size = std::getenv("WORLD_SIZE");
  if (rank != nullptr && size != nullptr && std::string(size) != "1" && line.rfind("rank ", 0) != 0)
    line = "rank " + std::string(rank) + ": " + line;
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"diffinfo: measure the information inside diffusion models (neural entropy, mutual information, sampling)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "diffinfo 0.1.0");
  diffinfo::cli::add_train(app);
  diffinfo::cli::add_entropy(app);
  diffinfo::cli::add_demo(app);
  diffinfo::cli::add_data(app);
  diffinfo::cli::add_mi(app);
  diffinfo::cli::add_sample(app);
  diffinfo::cli::add_tc(app);
  diffinfo::cli::add_label_entropy(app);
  diffinfo::cli::add_nll(app);
  diffinfo::cli::add_thermo(app);
  diffinfo::cli::add_thermo_sweep(app);
  diffinfo::cli::add_images(app);
  diffinfo::cli::add_scaling(app);
  diffinfo::cli::add_classify(app);
  diffinfo::cli::add_dae(app);
  diffinfo::cli::add_export(app);
  diffinfo::cli::set_command_line(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const c10::Error& e) {
    std::cerr << "diffinfo: error: " << first_line(e.what_without_backtrace()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "diffinfo: error: " << first_line(e.what()) << "\n";
    return 1;
  }
  return 0;
}
