#include "diffinfo/report/profile_table.h"

#include <stdexcept>

namespace diffinfo {
namespace {

void check_rows(const Table& t, const EntropyProfile& p) {
  if (t.rows() != p.curve.size()) throw std::invalid_argument("curves differ in length");
}

}  // namespace

Table strata_table(const EntropyProfile& p) {
  std::vector<double> lo, hi, s;
  for (const auto& pt : p.curve) lo.push_back(pt.s_lo), hi.push_back(pt.s_hi), s.push_back(pt.s);
  Table t;
  t.add("s_lo", lo).add("s_hi", hi).add("s", s);
  return t;
}

void add_rate(Table& t, const std::string& prefix, const EntropyProfile& p) {
  check_rows(t, p);
  std::vector<double> v, e;
  for (const auto& pt : p.curve) v.push_back(pt.rate.value), e.push_back(pt.rate.std_error);
  t.add(prefix + "rate", v).add(prefix + "rate_stderr", e);
}

void add_cumulative(Table& t, const std::string& name, const EntropyProfile& p) {
  check_rows(t, p);
  std::vector<double> v, e;
  for (const auto& pt : p.curve) v.push_back(pt.cumulative.value), e.push_back(pt.cumulative.std_error);
  t.add(name, v).add(name + "_stderr", e);
}

void add_above(Table& t, const std::string& prefix, const EntropyProfile& p) {
  check_rows(t, p);
  std::vector<double> v, e;
  for (size_t j = 0; j < p.curve.size(); ++j) {
    const auto a = p.above(j);
    v.push_back(a.value), e.push_back(a.std_error);
  }
  t.add(prefix + "above", v).add(prefix + "above_stderr", e);
}

}  // namespace diffinfo
