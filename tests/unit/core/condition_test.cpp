// The vocabulary of conditioning: kinds round-trip through their config names; an unknown one is named.
#include "diffinfo/condition.h"
#include "support.h"

namespace diffinfo {
namespace {

TEST(Condition, KindsRoundTripThroughTheirNames) {
  for (const auto& n : cond_kind_names()) EXPECT_EQ(name(cond_kind_from_name(n)), n);
  EXPECT_EQ(cond_kind_from_name("labels"), CondKind::kLabels);
  EXPECT_THROWS_WITH(cond_kind_from_name("graph"), "cond.kind 'graph' not found; known: none, vector, labels, coordinates, joint");
}

TEST(Condition, SlicesAndRowsKeepTheNullCondition) {
  const Condition null;
  EXPECT_TRUE(null.slice(0, 2).is_null());
  const Condition labels(torch::tensor({3, 1, 2}), torch::tensor({true, false, true}));
  EXPECT_TRUE(labels.rows(torch::tensor({2, 0})).value.equal(torch::tensor({2, 3})));
  EXPECT_TRUE(labels.slice(1, 3).keep.equal(torch::tensor({false, true})));
}

}  // namespace
}  // namespace diffinfo
