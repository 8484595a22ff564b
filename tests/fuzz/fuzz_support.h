#pragma once
// What every fuzz target checks (docs/robustness.md): the reader either accepts the bytes or throws
// one std::exception whose message is one non-empty line naming the file. Anything else, a crash, a
// sanitizer report, a message without the file, a second line, is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace diffinfo::fuzz {

// The input, as a file of this process (the readers take paths, as the CLI does).
inline std::string input_file(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string path = [suffix] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/diffinfo-fuzz-" + std::to_string(::getpid()) + suffix;
  }();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

inline void check_message(const std::exception& e, const std::string& path) {
  const std::string what = e.what();
  if (what.empty() || what.find('\n') != std::string::npos || what.find(path) == std::string::npos) {
    std::fprintf(stderr, "fuzz: the error is not one line naming %s:\n%s\n", path.c_str(), what.c_str());
    std::abort();
  }
}

// f(path) on the input written to a file; expected failures are checked, not fatal.
template <class F>
void run(const uint8_t* data, size_t size, const char* suffix, F&& f) {
  const auto path = input_file(data, size, suffix);
  try {
    f(path);
  } catch (const std::exception& e) {
    check_message(e, path);
  }
}

}  // namespace diffinfo::fuzz
