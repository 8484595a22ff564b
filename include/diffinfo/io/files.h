#pragma once
// Files that are never half-written: everything goes to PATH.tmp and is renamed over PATH.
//
//   diffinfo::write_text_atomic("run/config.json", config.dump(2));
#include <cstdint>
#include <functional>
#include <string>

namespace diffinfo {

/// Writes `text` to `path` atomically.
void write_text_atomic(const std::string& path, const std::string& text);
/// Calls write(tmp_path), then renames tmp_path over `path`; removes tmp_path if write throws.
void replace_atomically(const std::string& path, const std::function<void(const std::string&)>& write);
/// Writes `bytes` to a temporary file beside `path`, checking every write and fsync (a full disk is one
/// line naming `path`, and the temporary file is removed), then renames it over `path`. With `previous`,
/// the file `path` held is first renamed to `previous`, so that two generations exist.
void write_bytes_atomic(const std::string& path, const std::string& bytes, const std::string& previous = "");
/// A name beside `path` for a temporary file, unique to this process and call (PATH.tmp.PID.N).
std::string temporary_name(const std::string& path);
/// The whole file; throws "<path>: cannot read" when it cannot.
std::string read_text(const std::string& path);
bool file_exists(const std::string& path);
/// The size in bytes of the regular file `path`; throws "<path>: cannot read …" when it is missing or
/// unreadable and "<path>: is a directory …" for a directory, so readers can check what a header
/// claims against what the file holds before allocating anything.
int64_t regular_file_size(const std::string& path);
/// Untrusted text for an error message: at most `max` characters, anything but printable ASCII
/// shown as '?', "…" where it was cut.
std::string excerpt(const std::string& s, size_t max = 40);
/// Whether `s` ends with `suffix` (file extensions).
bool ends_with(const std::string& s, const std::string& suffix);

/// An exclusive lock on the file `path` (created if missing), held until destruction: flock(2), so
/// the kernel drops it when the process dies, however it dies. acquire() throws "<path>: <what> is in use
/// by process PID" at once when another process holds it.
class FileLock {
 public:
  FileLock() = default;
  static FileLock acquire(const std::string& path, const std::string& what);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  int fd_ = -1;
};

}  // namespace diffinfo
