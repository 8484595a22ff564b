// Atomic files: a write that fails (a full disk) leaves the old file and no temporary behind; locks.
#include "diffinfo/io/files.h"

#include <sys/resource.h>

#include <csignal>
#include <filesystem>

#include "support.h"

namespace diffinfo {
namespace {

using test::scratch_dir;
using test::slurp;

TEST(Files, AFailedWriteKeepsTheOldFileAndLeavesNoTemporary) {
  const auto dir = scratch_dir();
  const auto path = dir + "/f.bin";
  write_bytes_atomic(path, "old");
  // A file-size limit fails writes past 4 kB with EFBIG, as a full disk fails them with ENOSPC.
  struct rlimit old {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  const auto handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  EXPECT_THROWS_WITH(write_bytes_atomic(path, std::string(100000, 'x'), dir + "/f.prev.bin"),
                     path + ": cannot write (writing: File too large); the file before it is unchanged");
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, handler);
  EXPECT_EQ(slurp(path), "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1);
  write_bytes_atomic(path, "new", dir + "/f.prev.bin");  // two generations
  EXPECT_EQ(slurp(path), "new");
  EXPECT_EQ(slurp(dir + "/f.prev.bin"), "old");
}

TEST(Files, ALockIsExclusiveAndReleasedWithItsHolder) {
  const auto path = scratch_dir() + "/train.lock";
  {
    auto lock = FileLock::acquire(path, "the run");
    // flock locks belong to the open file: a second open, even in this process, is refused.
    EXPECT_THROWS_WITH(FileLock::acquire(path, "the run"), path + ": the run is in use by process " + std::to_string(getpid()));
  }
  EXPECT_NO_THROW(FileLock::acquire(path, "the run"));
}

TEST(Files, ExcerptsOfUntrustedTextArePrintableAndShort) {
  EXPECT_EQ(excerpt(std::string("ab\0\x01\xff", 5)), "ab???");
  EXPECT_EQ(excerpt(std::string(100, 'x'), 4), "xxxx…");
  EXPECT_THROW(regular_file_size("/no/such/file"), std::runtime_error);
}

}  // namespace
}  // namespace diffinfo
