#include "diffinfo/report/entropy.h"

#include "diffinfo/io/files.h"
#include "diffinfo/report/plot.h"
#include "diffinfo/report/profile_table.h"

#include <sstream>

namespace diffinfo {

Table entropy_table(const EntropyProfile& neural, const EntropyProfile* exact) {
  TORCH_CHECK(!exact || exact->curve.size() == neural.curve.size(), "exact and neural curves differ in length");
  auto t = strata_table(neural);
  add_rate(t, "", neural);
  add_cumulative(t, "cumulative", neural);
  if (exact) add_rate(t, "exact_", *exact), add_cumulative(t, "exact_cumulative", *exact);
  return t;
}

void write_entropy_csv(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact) {
  write_text_atomic(path, entropy_table(neural, exact).csv());
}

void plot_entropy(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact,
                  const std::string& title) {
  const auto t = entropy_table(neural, exact);
  std::ostringstream body;
  body << "set ylabel 'entropy rate dS/ds (nats)'\n"
       << "plot DATA skip 1 using " << t.columns({"s", "rate", "rate_stderr"}) << " with yerrorlines lw 2 pt 7 ps 0.4 "
       << kPlotBlue << " title 'neural'";
  if (exact) body << ", '' skip 1 using " << t.columns({"s", "exact_rate"}) << " with lines lw 2 dt 2 " << kPlotRed << " title 'exact'";
  body << "\nset xlabel 'diffusion time s'\nset ylabel 'running integral (nats)'\n"
       << "plot DATA skip 1 using " << t.columns({"s_hi", "cumulative", "cumulative_stderr"})
       << " with yerrorlines lw 2 pt 7 ps 0.4 " << kPlotBlue << " title 'S_{NN}(s)'";
  if (exact)
    body << ", '' skip 1 using " << t.columns({"s_hi", "exact_cumulative"}) << " with lines lw 2 dt 2 " << kPlotRed
         << " title 'S_{tot}(s)'";
  draw_plot(path, t.csv(), title, body.str());
}

}  // namespace diffinfo
