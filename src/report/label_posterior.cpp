#include "diffinfo/report/label_posterior.h"

#include "diffinfo/io/files.h"
#include "diffinfo/report/plot.h"

#include <sstream>

namespace diffinfo {
namespace {

void add_estimates(Table& t, const std::string& name, const std::vector<Estimate>& e) {
  std::vector<double> v, s;
  for (const auto& x : e) v.push_back(x.value), s.push_back(x.std_error);
  t.add(name, v).add(name + "_stderr", s);
}

std::vector<double> values(const std::vector<Estimate>& e) {
  std::vector<double> v;
  for (const auto& x : e) v.push_back(x.value);
  return v;
}

std::vector<double> column(const torch::Tensor& t, int64_t j) {
  const auto c = t.select(1, j).to(torch::kCPU, torch::kFloat64).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

}  // namespace

Table label_entropy_table(const PosteriorProfile& p, const LabelReferences& refs, bool pairs) {
  const size_t n = p.s.size();
  const bool forward = !refs.forward.empty(), minde = !refs.minde.empty();
  TORCH_CHECK((!forward || refs.forward.size() == n) && (!minde || refs.minde.size() == n),
              "reference curves must lie on the posterior's grid");
  Table t;
  t.add("s", p.s);
  add_estimates(t, "conditional_entropy", p.entropy);
  add_estimates(t, "rate", p.rate);
  std::vector<double> information;
  for (size_t i = 0; i < n; ++i) information.push_back(p.information(i).value);
  t.add("information", information);
  add_estimates(t, "posterior_minde", p.posterior_information);
  add_estimates(t, "null_gap", p.null_gap);
  if (!p.cross_entropy.empty()) {
    add_estimates(t, "minde_on_paths", p.minde_information);
    add_estimates(t, "cross_entropy", p.cross_entropy);
    std::vector<double> bound;
    for (const auto& ce : p.cross_entropy) bound.push_back(p.label_entropy - ce.value);
    t.add("information_lower_bound", bound).add("accuracy", values(p.accuracy));
  }
  if (!p.mmse_gap_information.empty()) {
    add_estimates(t, "mmse_gap_on_paths", p.mmse_gap_information);
    add_estimates(t, "posterior_mmse_gap", p.posterior_mmse_gap);
  }
  if (!p.exact_entropy.empty()) {
    t.add("exact_on_path", values(p.exact_entropy)).add("exact_on_path_rate", values(p.exact_rate));
    add_estimates(t, "gap", p.gap);
  }
  if (forward) add_estimates(t, "exact", refs.forward), t.add("exact_rate", refs.forward_rate);
  if (minde) t.add("minde_information", refs.minde);
  const int64_t k = p.posterior.size(1);
  for (int64_t c = 0; c < k; ++c) t.add("posterior_" + std::to_string(c), column(p.posterior, c));
  for (int64_t c = 0; c < k; ++c) t.add("versus_null_" + std::to_string(c), column(p.versus_null, c));
  if (pairs)
    for (int64_t a = 0, j = 0; a < k; ++a)
      for (int64_t b = a + 1; b < k; ++b, ++j) t.add("pair_" + std::to_string(a) + "_" + std::to_string(b), column(p.pairs, j));
  return t;
}

void write_label_entropy_csv(const std::string& path, const PosteriorProfile& profile, const LabelReferences& refs,
                             bool pairs) {
  write_text_atomic(path, label_entropy_table(profile, refs, pairs).csv());
}

void plot_label_entropy(const std::string& path, const PosteriorProfile& profile, const LabelReferences& refs,
                        const std::string& title) {
  const auto t = label_entropy_table(profile, refs, false);
  auto use = [&t](std::initializer_list<std::string> names) { return " using " + t.columns(names); };
  std::ostringstream body;
  body << "set key top left\nset ylabel 'H(C | X_s) (nats)'\n"
       << "plot DATA skip 1" << use({"s", "conditional_entropy", "conditional_entropy_stderr"})
       << " with yerrorlines lw 2 pt 7 ps 0.2 " << kPlotBlue << " title 'online posterior'";
  if (t.has("exact_on_path"))
    body << ", '' skip 1" << use({"s", "exact_on_path"}) << " with lines lw 1 " << kPlotGreen << " title 'exact posterior, same paths'";
  if (t.has("exact")) body << ", '' skip 1" << use({"s", "exact"}) << " with lines lw 2 dt 2 " << kPlotRed << " title 'exact (forward)'";
  body << "\nset ylabel 'dH/ds (nats per unit s)'\n"
       << "plot DATA skip 1" << use({"s", "rate", "rate_stderr"}) << " with yerrorlines lw 2 pt 7 ps 0.2 " << kPlotBlue
       << " title 'online posterior'";
  if (t.has("exact"))
    body << ", '' skip 1" << use({"s", "exact_rate"}) << " with lines lw 2 dt 2 " << kPlotRed << " title 'exact (forward)'";
  body << "\nset xlabel 'diffusion time s'\nset key top right\nset ylabel 'I(X_s; C) (nats)'\n"
       << "plot DATA skip 1" << use({"s", "information"}) << " with lines lw 2 " << kPlotBlue
       << " title 'H(C) - H(C | X_s), posterior'";
  body << ", '' skip 1" << use({"s", "posterior_minde"}) << " with lines lw 2 " << kPlotRed << " title 'MINDE by posterior'";
  if (t.has("cross_entropy"))
    body << ", '' skip 1" << use({"s", "information_lower_bound"}) << " with lines lw 2 dt 3 " << kPlotBlue
         << " title 'H(C) - CE, labels'"
         << ", '' skip 1" << use({"s", "minde_on_paths"}) << " with lines lw 1 dt 2 " << kPlotRed << " title 'MINDE, same paths'";
  if (t.has("posterior_mmse_gap"))
    body << ", '' skip 1" << use({"s", "posterior_mmse_gap"}) << " with lines lw 2 " << kPlotOrange << " title 'MMSE gap by posterior'";
  if (t.has("minde_information"))
    body << ", '' skip 1" << use({"s", "minde_information"}) << " with lines lw 2 dt 2 " << kPlotGreen << " title 'MINDE'";
  draw_plot(path, t.csv(), title, body.str(), 3);
}

}  // namespace diffinfo
