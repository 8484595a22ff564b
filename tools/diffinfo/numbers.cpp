// Every numeric option of every command, checked as it is parsed: a finite number, within ±1e12
// (no int64 saturates to run for ever), not negative unless the option means something by it.
// The library checks each option's own range (train/run.h check_train_options, ...); this is the
// floor under all of them, so a new option cannot forget it.
#include "commands.h"

#include <cmath>
#include <cstdlib>
#include <set>

namespace diffinfo::cli {

namespace {

// Options whose negative values mean something (-1: none; a range's low end; a guidance weight).
const std::set<std::string> kMayBeNegative = {"--class", "--null-label", "--range", "--guidance-scale"};

bool numeric(const CLI::Option* o) {
  const auto type = o->get_type_name();
  for (const char* t : {"INT", "UINT", "FLOAT", "NUMBER"})
    if (type.rfind(t, 0) == 0) return true;
  return false;
}

void guard(CLI::App* app) {
  for (auto* o : app->get_options()) {
    if (!numeric(o) || o->get_items_expected_max() == 0) continue;
    const bool negative_ok = kMayBeNegative.count(o->get_name()) > 0;
    o->check(CLI::Validator(
        [negative_ok](std::string& text) -> std::string {
          char* end = nullptr;
          const long double v = std::strtold(text.c_str(), &end);
          if (end == text.c_str() || *end != '\0') return "";  // not a number: CLI11's conversion says so
          if (!std::isfinite(v)) return "expected a finite number, got " + text;
          if (std::fabs(v) > 1e12L) return "expected a number of magnitude at most 1e12, got " + text;
          if (v < 0 && !negative_ok) return "expected a number >= 0, got " + text;
          return "";
        },
        "", "sane number"));
  }
  for (auto* sub : app->get_subcommands({})) guard(sub);
}

}  // namespace

void guard_numbers(CLI::App& app) { guard(&app); }

}  // namespace diffinfo::cli
