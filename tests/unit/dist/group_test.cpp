// Several ranks as one (dist/group.h): shares, and a real c10d group (TCPStore + Gloo on 127.0.0.1) of
// two ranks in two threads: bucketed sums, the comparison of settings, agreement on failure, a rank
// that never joins. The binary's ranks are tested in tests/distributed/.
#include "diffinfo/dist/group.h"
#include "diffinfo/dist/launch.h"
#include "support.h"

#include <future>
#include <stdexcept>
#include <string>

namespace diffinfo::dist {
namespace {

TEST(Group, OneProcessOwnsEverythingAndItsCollectivesReturnAtOnce) {
  Group g;
  EXPECT_EQ(g.size(), 1);
  EXPECT_TRUE(g.leader());
  EXPECT_EQ(g.share(10), (std::pair<int64_t, int64_t>{0, 10}));
  EXPECT_TRUE(g.owns(7));
  auto t = torch::ones({3});
  g.sum(t, "nothing");
  EXPECT_TRUE(torch::equal(t, torch::ones({3})));
  EXPECT_NO_THROW(g.check_same("value", "anything"));
  EXPECT_THROW(g.agree("step", [] { throw std::runtime_error("own"); }), std::runtime_error);
}

TEST(Group, UnknownBackendAndBadEnvironmentAreErrors) {
  EXPECT_THROW(Group::join(Launch{}, GroupOptions().backend("mpi"), torch::kCPU), std::runtime_error);
  EXPECT_THROW(Group::join(Launch{}, GroupOptions().timeout(0), torch::kCPU), std::runtime_error);
}

// Runs f(group) on two ranks joined over a free port, one thread each; returns what each returned.
template <class F>
auto two_ranks(F f, double timeout = 20) {
  const int port = free_port();
  auto rank = [&](int r) {
    Launch l;
    l.rank = r, l.size = 2, l.local_rank = r, l.local_size = 2, l.port = port;
    return f(Group::join(l, GroupOptions().timeout(timeout), torch::kCPU));
  };
  auto other = std::async(std::launch::async, rank, 1);
  auto mine = rank(0);
  return std::make_pair(mine, other.get());
}

TEST(Group, TwoRanksShareItemsAndSumInBuckets) {
  // Over 25 MB in all: several buckets, and tensors of two dtypes, each summed exactly.
  auto [a, b] = two_ranks([](const Group& g) {
    EXPECT_EQ(g.size(), 2);
    const auto [begin, end] = g.share(7);
    std::vector<torch::Tensor> ts = {torch::full({4, 1024, 1024}, double(g.rank() + 1), torch::kFloat32),
                                     torch::full({3 * 1024 * 1024}, double(10 * (g.rank() + 1)), torch::kFloat32),
                                     torch::arange(5, torch::kInt64) * (g.rank() + 1),
                                     torch::full({2, 3}, 0.5 + g.rank(), torch::kFloat64)};
    g.sum(ts, "test");
    return std::make_tuple(begin, end, ts, g.owns(3));
  });
  EXPECT_EQ(std::get<0>(a), 0);
  EXPECT_EQ(std::get<1>(a), 4);  // 7 = 4 + 3
  EXPECT_EQ(std::get<0>(b), 4);
  EXPECT_EQ(std::get<1>(b), 7);
  EXPECT_NE(std::get<3>(a), std::get<3>(b));
  for (const auto* side : {&a, &b}) {
    const auto& ts = std::get<2>(*side);
    EXPECT_TRUE(torch::equal(ts[0], torch::full({4, 1024, 1024}, 3.0f)));
    EXPECT_TRUE(torch::equal(ts[1], torch::full({3 * 1024 * 1024}, 30.0f)));
    EXPECT_TRUE(torch::equal(ts[2], torch::arange(5, torch::kInt64) * 3));
    EXPECT_TRUE(torch::allclose(ts[3], torch::full({2, 3}, 2.0, torch::kFloat64)));
  }
}

TEST(Group, DifferentSettingsAndAFailedRankStopEveryRank) {
  auto [a, b] = two_ranks([](const Group& g) {
    std::string mismatch, agreed;
    try {
      g.check_same("data", g.rank() == 0 ? "x.npy" : "y.npy");
    } catch (const std::runtime_error& e) {
      mismatch = e.what();
    }
    try {
      g.agree("loading", [&] {
        if (g.rank() == 1) throw std::runtime_error("rank 1's own error");
      });
    } catch (const std::runtime_error& e) {
      agreed = e.what();
    }
    g.check_same("data", "same");  // no throw
    return std::make_pair(mismatch, agreed);
  });
  EXPECT_NE(a.first.find("the data of rank 1 differs from rank 0's"), std::string::npos) << a.first;
  EXPECT_NE(b.first.find("differs"), std::string::npos) << b.first;
  EXPECT_NE(a.second.find("loading stopped: rank 1 failed"), std::string::npos) << a.second;
  EXPECT_EQ(b.second, "rank 1's own error");
}

TEST(Group, ARankThatNeverJoinsIsNamedWithinTheTimeout) {
  Launch l;
  l.size = 2, l.port = free_port();
  const auto start = std::chrono::steady_clock::now();
  try {
    Group::join(l, GroupOptions().timeout(2), torch::kCPU);
    FAIL() << "joined without rank 1";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("rank 1 never joined"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 20.0);
}

}  // namespace
}  // namespace diffinfo::dist
