#include "diffinfo/io/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace diffinfo {

std::string temporary_name(const std::string& path) {
  static std::atomic<int> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

void write_bytes_atomic(const std::string& path, const std::string& bytes, const std::string& previous) {
  const std::string tmp = temporary_name(path);
  const auto fail = [&](const std::string& what) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(path + ": cannot write (" + what + ": " + std::strerror(err) + ")" +
                             (file_exists(path) ? "; the file before it is unchanged" : ""));
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create " + tmp);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, std::min<size_t>(bytes.size() - done, size_t{1} << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      errno = err;
      fail("writing");
    }
    done += size_t(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    fail("fsync");
  }
  if (::close(fd) != 0) fail("closing");
  if (!previous.empty() && ::rename(path.c_str(), previous.c_str()) != 0 && errno != ENOENT) fail("keeping " + previous);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("renaming " + tmp);
}

void replace_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  const std::string tmp = temporary_name(path);
  try {
    write(tmp);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw std::runtime_error(path + ": cannot write (" + ec.message() + ")");
}

void write_text_atomic(const std::string& path, const std::string& text) { write_bytes_atomic(path, text); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read (no such file, or no permission)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) { return std::filesystem::exists(path); }

int64_t regular_file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), R_OK) != 0)
    throw std::runtime_error(path + ": cannot read (no such file, or no permission)");
  if (S_ISDIR(st.st_mode)) throw std::runtime_error(path + ": is a directory (expected a file)");
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(path + ": not a regular file (expected a file)");
  return static_cast<int64_t>(st.st_size);
}

std::string excerpt(const std::string& s, size_t max) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) out.push_back(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
  if (s.size() > max) out += "…";
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

FileLock FileLock::acquire(const std::string& path, const std::string& what) {
  FileLock lock;
  lock.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock.fd_ < 0) throw std::runtime_error(path + ": cannot create the lock of " + what + " (" + std::strerror(errno) + ")");
  if (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    const auto n = ::pread(lock.fd_, pid, sizeof pid - 1, 0);
    std::string holder = n > 0 ? std::string(pid, size_t(n)) : std::string("another process");
    holder.erase(holder.find_last_not_of(" \n") + 1);
    throw std::runtime_error(path + ": " + what + " is in use by " + (n > 0 ? "process " : "") + holder +
                             " (wait for it to end, or choose another directory)");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock.fd_, 0) == 0 && ::pwrite(lock.fd_, pid.data(), pid.size(), 0) < 0) {
    // the holder's pid is only for the message
  }
  return lock;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace diffinfo
