// diffinfo: measure the information inside diffusion models.
#include "commands.h"

#include "diffinfo/cpu.h"
#include "diffinfo/io/json_file.h"
#include "diffinfo/names.h"

#include <algorithm>
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
  diffinfo::tune_cpu_process();  // before the first tensor operation
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
  diffinfo::cli::guard_numbers(app);
  diffinfo::cli::set_command_line(argc, argv);
  // Every failure is one line on stderr and exit status 1; library text (LibTorch's, nlohmann's) is cut
  // to its first line and stripped of its exception tags.
  const auto fail = [](const std::string& what) {
    std::cerr << "diffinfo: error: " << first_line(what) << "\n";
    return 1;
  };
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end())
      return fail(diffinfo::unknown_name("command", argv[1], names) + " (diffinfo --help lists them)");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(std::string(e.what()) + " (see --help)");
  } catch (const c10::Error& e) {
    return fail(e.what_without_backtrace());
  } catch (const nlohmann::json::exception& e) {
    return fail(diffinfo::file_error("", e));
  } catch (const std::bad_alloc&) {
    return fail("out of memory");
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (...) {
    return fail("unexpected failure (please report it)");
  }
  return 0;
}
