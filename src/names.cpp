#include "diffinfo/names.h"

#include <algorithm>

namespace diffinfo {

bool is_known(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string unknown_name(const std::string& what, const std::string& name, const std::vector<std::string>& names) {
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  return what + " '" + name + "' not found; known: " + known;
}

}  // namespace diffinfo
