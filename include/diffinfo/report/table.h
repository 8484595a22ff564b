#pragma once
// A table of named columns, the one shape behind every CSV diffinfo writes and every plot it draws
// from one: plots find their columns by name, never by counting.
//
//   diffinfo::Table t;
//   t.add("s", s_values).add("rate", rates);
//   diffinfo::write_text_atomic("curve.csv", t.csv());
//   t.columns({"s", "rate"});     // "1:2", for gnuplot's `using`
#include <initializer_list>
#include <string>
#include <vector>

namespace diffinfo {

class Table {
 public:
  /// Appends a numeric column (written with 10 significant digits); every column has the same rows.
  Table& add(const std::string& name, const std::vector<double>& values);
  /// Appends a column of text cells.
  Table& add_text(const std::string& name, const std::vector<std::string>& cells);
  /// The 1-based index of a column, as gnuplot counts; throws naming it when absent.
  int column(const std::string& name) const;
  /// "i:j:k", the indices of the named columns joined for gnuplot's `using`.
  std::string columns(std::initializer_list<std::string> names) const;
  bool has(const std::string& name) const;
  size_t rows() const { return rows_; }
  /// A header line of the names and one line per row, comma-separated; with `comment_header` the header
  /// starts with '#' (gnuplot then skips it without `skip 1`, which several tables in one file need).
  std::string csv(bool comment_header = false) const;

 private:
  Table& put(const std::string& name, std::vector<std::string> cells);

  std::vector<std::string> names_;
  std::vector<std::vector<std::string>> cells_;  // one vector per column
  size_t rows_ = 0;
};

}  // namespace diffinfo
