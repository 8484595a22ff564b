#pragma once
// Named choices (processes, solvers, architectures, presets …) and the one error for an unknown one:
// "<what> '<name>' not found; known: a, b, c".
//
//   TORCH_CHECK(diffinfo::is_known(solver_names(), s), diffinfo::unknown_name("solver", s, solver_names()));
#include <string>
#include <vector>

namespace diffinfo {

/// True when `name` is one of `names`.
bool is_known(const std::vector<std::string>& names, const std::string& name);

/// "<what> '<name>' not found; known: " followed by `names` joined with ", ".
std::string unknown_name(const std::string& what, const std::string& name, const std::vector<std::string>& names);

}  // namespace diffinfo
