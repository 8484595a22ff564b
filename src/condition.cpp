#include "diffinfo/condition.h"

#include "diffinfo/names.h"

#include <stdexcept>

namespace diffinfo {

std::vector<std::string> cond_kind_names() { return {"none", "vector", "labels", "coordinates", "joint"}; }

std::string name(CondKind kind) { return cond_kind_names()[static_cast<size_t>(kind)]; }

CondKind cond_kind_from_name(const std::string& name) {
  const auto names = cond_kind_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<CondKind>(i);
  throw std::invalid_argument(unknown_name("cond.kind", name, names));
}

}  // namespace diffinfo
