// JSON files as untrusted input: nesting and size limits, fields of the wrong type or range named.
#include "diffinfo/io/json_file.h"

#include "support.h"

namespace diffinfo {
namespace {

using test::scratch_dir;
using test::spit;

TEST(JsonFile, DeepNestingIsRefusedBeforeAnythingRecursesOverIt) {
  const auto path = scratch_dir() + "/deep.json";
  spit(path, std::string(200000, '[') + std::string(200000, ']'));
  EXPECT_THROWS_WITH(read_json(path, "a spec"), path + ": nested deeper than 64 levels (expected a spec)");
  spit(path, std::string(64, '[') + std::string(64, ']'));  // at the limit: fine
  EXPECT_TRUE(read_json(path, "a spec").is_array());
}

TEST(JsonFile, ErrorsNameTheFileAndTheField) {
  const auto dir = scratch_dir();
  spit(dir + "/bad.json", "{\"a\": ");
  EXPECT_THROWS_WITH(read_json(dir + "/bad.json", "a card"), dir + "/bad.json: not valid JSON (expected a card)");
  spit(dir + "/big.json", "{\"a\": 1E65503}");  // found by json_fuzz: the parser's out_of_range, not a parse_error
  EXPECT_THROWS_WITH(read_json(dir + "/big.json", "a card"), dir + "/big.json: not valid JSON (expected a card): number overflow");
  EXPECT_THROWS_WITH(read_json(dir + "/none.json", "a card"), dir + "/none.json: cannot read");
  EXPECT_THROWS_WITH(read_json(dir, "a card"), dir + ": is a directory");
  spit(dir + "/c.json", R"({"model": {"width": "wide", "depth": 1.5, "n": 1e300}})");
  const auto j = read_json(dir + "/c.json", "a configuration");
  // nlohmann's own type error, with the pointer JSON_DIAGNOSTICS puts in it.
  EXPECT_THROWS_WITH(in_file(dir + "/c.json", [&] { return j["model"]["width"].get<int64_t>(); }),
                     dir + "/c.json: field /model/width: type must be number, but is string");
  EXPECT_THROWS_WITH(in_file(dir + "/c.json", [&] { return json_integer(j["model"], "depth", 1, 10); }),
                     dir + "/c.json: field \"depth\" must be an integer in 1…10, got 1.5");
  EXPECT_THROWS_WITH(in_file(dir + "/c.json", [&] { return json_integer(j["model"], "n", 0, 100); }), "got 1e+300");
  EXPECT_THROWS_WITH(in_file(dir + "/c.json", [&] { return json_number(j["model"], "none", 0, 1); }),
                     "missing field \"none\"");
  EXPECT_EQ(json_number(nlohmann::json{{"x", 0.5}}, "x", 0, 1), 0.5);
  EXPECT_EQ(json_integers(nlohmann::json{{"x", {1, 2, 3}}}, "x", 1, 3), (std::vector<int64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace diffinfo
