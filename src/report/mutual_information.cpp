#include "diffinfo/report/mutual_information.h"

#include "diffinfo/io/files.h"
#include "diffinfo/report/plot.h"
#include "diffinfo/report/profile_table.h"

#include <sstream>

namespace diffinfo {
namespace {

std::vector<double> rates(const EntropyProfile& p) {
  std::vector<double> v;
  for (const auto& pt : p.curve) v.push_back(pt.rate.value);
  return v;
}

}  // namespace

Table mi_table(const MutualInformationProfile& mi, const MutualInformationProfile* exact,
               const std::vector<double>* closed_form) {
  const auto n = mi.minde.curve.size();
  TORCH_CHECK(!exact || exact->minde.curve.size() == n, "exact and neural curves differ in length");
  TORCH_CHECK(!closed_form || closed_form->size() == n, "closed-form and neural curves differ in length");
  auto t = strata_table(mi.minde);
  for (const auto& [prefix, p] : {std::pair<const char*, const EntropyProfile*>{"mi_", &mi.minde}, {"difference_", &mi.difference}})
    add_rate(t, prefix, *p), add_above(t, prefix, *p);
  if (exact) add_rate(t, "exact_mi_", exact->minde), add_above(t, "exact_mi_", exact->minde);
  if (closed_form) t.add("closed_form_mi_above", *closed_form);
  add_rate(t, "cond_entropy_", mi.conditional);
  add_rate(t, "uncond_entropy_", mi.unconditional);
  if (exact) t.add("exact_cond_entropy_rate", rates(exact->conditional)).add("exact_uncond_entropy_rate", rates(exact->unconditional));
  add_rate(t, "mmse_gap_", mi.mmse_gap), add_above(t, "mmse_gap_", mi.mmse_gap);
  return t;
}

void write_mi_csv(const std::string& path, const MutualInformationProfile& mi, const MutualInformationProfile* exact,
                  const std::vector<double>* closed_form) {
  write_text_atomic(path, mi_table(mi, exact, closed_form).csv());
}

void plot_mutual_information(const std::string& path, const MutualInformationProfile& mi,
                             const MutualInformationProfile* exact, const std::vector<double>* closed_form,
                             const std::string& title) {
  const auto t = mi_table(mi, exact, closed_form);
  auto use = [&t](std::initializer_list<std::string> names) { return " using " + t.columns(names); };
  std::ostringstream body;
  body << "set key top right\nset ylabel 'MI rate (nats per unit s)'\n"
       << "plot DATA skip 1" << use({"s", "mi_rate", "mi_rate_stderr"}) << " with yerrorlines lw 2 pt 7 ps 0.4 " << kPlotBlue
       << " title 'MINDE'"
       << ", '' skip 1" << use({"s", "difference_rate", "difference_rate_stderr"}) << " with yerrorlines lw 1 pt 6 ps 0.4 "
       << kPlotGreen << " title 'S^{X|Y} - S^X'"
       << ", '' skip 1" << use({"s", "mmse_gap_rate", "mmse_gap_rate_stderr"}) << " with yerrorlines lw 1 pt 4 ps 0.4 "
       << kPlotOrange << " title 'MMSE gap'";
  if (exact) body << ", '' skip 1" << use({"s", "exact_mi_rate"}) << " with lines lw 2 dt 2 " << kPlotRed << " title 'exact scores'";
  body << "\nset xlabel 'diffusion time s'\nset ylabel 'I(X_s; Y) (nats)'\n"
       << "plot DATA skip 1" << use({"s_lo", "mi_above", "mi_above_stderr"}) << " with yerrorlines lw 2 pt 7 ps 0.4 "
       << kPlotBlue << " title 'MINDE'"
       << ", '' skip 1" << use({"s_lo", "difference_above", "difference_above_stderr"})
       << " with yerrorlines lw 1 pt 6 ps 0.4 " << kPlotGreen << " title 'S^{X|Y} - S^X'"
       << ", '' skip 1" << use({"s_lo", "mmse_gap_above", "mmse_gap_above_stderr"}) << " with yerrorlines lw 1 pt 4 ps 0.4 "
       << kPlotOrange << " title 'MMSE gap'";
  if (exact) body << ", '' skip 1" << use({"s_lo", "exact_mi_above"}) << " with lines lw 2 dt 2 " << kPlotRed << " title 'exact scores'";
  if (closed_form)
    body << ", '' skip 1" << use({"s_lo", "closed_form_mi_above"}) << " with lines lw 1 lc rgb 'black' title 'closed form'";
  body << "\nset key top right\nset ylabel 'entropy rate (nats per unit s)'\n"
       << "plot DATA skip 1" << use({"s", "cond_entropy_rate", "cond_entropy_rate_stderr"})
       << " with yerrorlines lw 2 pt 7 ps 0.4 " << kPlotBlue << " title 'S^{X|Y} neural'"
       << ", '' skip 1" << use({"s", "uncond_entropy_rate", "uncond_entropy_rate_stderr"})
       << " with yerrorlines lw 1 pt 6 ps 0.4 " << kPlotGreen << " title 'S^X neural'";
  if (exact)
    body << ", '' skip 1" << use({"s", "exact_cond_entropy_rate"}) << " with lines lw 2 dt 2 " << kPlotRed
         << " title 'S^{X|Y} exact'"
         << ", '' skip 1" << use({"s", "exact_uncond_entropy_rate"}) << " with lines lw 1 dt 2 lc rgb 'black' title 'S^X exact'";
  draw_plot(path, t.csv(), title, body.str(), 3);
}

}  // namespace diffinfo
