#pragma once
// Files that are never half-written: everything goes to PATH.tmp and is renamed over PATH.
//
//   diffinfo::write_text_atomic("run/config.json", config.dump(2));
#include <functional>
#include <string>

namespace diffinfo {

/// Writes `text` to `path` atomically.
void write_text_atomic(const std::string& path, const std::string& text);
/// Calls write(tmp_path), then renames tmp_path over `path`; removes tmp_path if write throws.
void replace_atomically(const std::string& path, const std::function<void(const std::string&)>& write);
/// The whole file; throws "<path>: cannot read" when it cannot.
std::string read_text(const std::string& path);
bool file_exists(const std::string& path);
/// Whether `s` ends with `suffix` (file extensions).
bool ends_with(const std::string& s, const std::string& suffix);

}  // namespace diffinfo
