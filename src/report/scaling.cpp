#include "diffinfo/report/scaling.h"

#include "diffinfo/io/files.h"
#include "diffinfo/report/plot.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

namespace diffinfo {

Table scaling_table(const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn, const LineFit& fit) {
  TORCH_CHECK(n.size() == s_nn.size() && n.size() == fit.residuals.size(), "a scaling table needs one S_NN and residual per N");
  std::vector<double> nn, ln_n, v, e, line;
  for (size_t i = 0; i < n.size(); ++i) {
    nn.push_back(static_cast<double>(n[i])), ln_n.push_back(std::log(double(n[i])));
    v.push_back(s_nn[i].value), e.push_back(s_nn[i].std_error), line.push_back(s_nn[i].value - fit.residuals[i]);
  }
  Table t;
  t.add("n", nn).add("ln_n", ln_n).add("s_nn", v).add("s_nn_stderr", e).add("fit", line).add("residual", fit.residuals);
  return t;
}

void write_scaling_csv(const std::string& path, const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn,
                       const LineFit& fit) {
  write_text_atomic(path, scaling_table(n, s_nn, fit).csv());
}

void plot_scaling(const std::string& path, const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn,
                  const LineFit& fit, const std::string& title) {
  const auto t = scaling_table(n, s_nn, fit);
  std::ostringstream body;
  body << "set format x '%g'\nset offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\nset key top left\nset ylabel 'S_{NN} (nats)'\n"
       << "plot DATA skip 1 using " << t.columns({"n", "s_nn", "s_nn_stderr"}) << " with yerrorbars pt 7 ps 1 " << kPlotBlue
       << " title 'S_{NN}'"
       << ", '' skip 1 using " << t.columns({"n", "fit"}) << " with lines lw 2 dt 2 " << kPlotRed
       << " title sprintf('%.1f %+.1f (± %.1f) ln N', " << fit.intercept.value << ", " << fit.slope.value << ", "
       << fit.slope.std_error << ")\n"
       << "set xlabel 'training-set size N'\nset ylabel 'residual (nats)'\n"
       << "plot 0 with lines lw 1 dt 2 lc rgb 'black' notitle, DATA skip 1 using " << t.columns({"n", "residual", "s_nn_stderr"})
       << " with yerrorbars pt 7 ps 1 " << kPlotBlue << " notitle\n";
  draw_plot(path, t.csv(), title, body.str());
}

}  // namespace diffinfo
