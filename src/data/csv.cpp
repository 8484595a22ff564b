#include "diffinfo/data/csv.h"

#include "diffinfo/io/files.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace diffinfo {
namespace {

// Fields of one line; false when one is not a number.
bool parse_line(const std::string& line, std::vector<double>& out, std::string& bad) {
  out.clear();
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) {
    field.erase(0, field.find_first_not_of(" \t\r"));
    field.erase(field.find_last_not_of(" \t\r") + 1);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(field.c_str(), &end);
    if (field.empty() || *end != '\0' || errno == ERANGE) {
      bad = field;
      return false;
    }
    out.push_back(v);
  }
  if (!line.empty() && line.back() == ',') {
    bad = "";
    return false;
  }
  return true;
}

}  // namespace

torch::Tensor read_csv(const std::string& path) {
  (void)regular_file_size(path);  // a directory or a missing file, named
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read (no such file, or no permission)");
  std::vector<double> values, row;
  std::string line, bad;
  int64_t cols = -1, rows = 0, lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (!parse_line(line, row, bad)) {
      if (rows == 0 && cols < 0) {  // a header row
        cols = 0;
        continue;
      }
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": field '" + excerpt(bad) + "' is not a number (expected comma-separated numbers)");
    }
    const auto n = static_cast<int64_t>(row.size());
    if (cols <= 0) cols = n;
    if (n != cols)
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": expected " + std::to_string(cols) +
                               " fields, found " + std::to_string(n));
    values.insert(values.end(), row.begin(), row.end());
    ++rows;
  }
  if (rows == 0) throw std::runtime_error(path + ": no data rows");
  return torch::tensor(values, torch::kFloat64).reshape({rows, cols});
}

}  // namespace diffinfo
