#include "diffinfo/report/table.h"

#include <sstream>
#include <stdexcept>

namespace diffinfo {

Table& Table::add(const std::string& name, const std::vector<double>& values) {
  std::vector<std::string> cells;
  cells.reserve(values.size());
  std::ostringstream out;
  out.precision(10);
  for (double v : values) {
    out.str("");
    out << v;
    cells.push_back(out.str());
  }
  return put(name, std::move(cells));
}

Table& Table::add_text(const std::string& name, const std::vector<std::string>& cells) { return put(name, cells); }

Table& Table::put(const std::string& name, std::vector<std::string> cells) {
  if (has(name)) throw std::invalid_argument("table column '" + name + "' added twice");
  if (!names_.empty() && cells.size() != rows_)
    throw std::invalid_argument("table column '" + name + "' has " + std::to_string(cells.size()) + " rows, the table " +
                                std::to_string(rows_));
  rows_ = cells.size();
  names_.push_back(name);
  cells_.push_back(std::move(cells));
  return *this;
}

bool Table::has(const std::string& name) const {
  for (const auto& n : names_)
    if (n == name) return true;
  return false;
}

int Table::column(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i) + 1;
  throw std::invalid_argument("table has no column '" + name + "'");
}

std::string Table::columns(std::initializer_list<std::string> names) const {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ":") + std::to_string(column(n));
  return out;
}

std::string Table::csv(bool comment_header) const {
  std::string out = comment_header ? "#" : "";
  for (size_t i = 0; i < names_.size(); ++i) out += (i ? "," : "") + names_[i];
  out += "\n";
  for (size_t r = 0; r < rows_; ++r) {
    for (size_t c = 0; c < cells_.size(); ++c) out += (c ? "," : "") + cells_[c][r];
    out += "\n";
  }
  return out;
}

}  // namespace diffinfo
