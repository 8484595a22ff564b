#include "diffinfo/report/dae.h"

#include "diffinfo/io/files.h"
#include "diffinfo/report/plot.h"

#include <algorithm>
#include <sstream>

namespace diffinfo {

Table dae_table(const std::vector<DaeRow>& rows, double label_entropy) {
  Table t;
  std::vector<double> tau, h;
  for (const auto& r : rows) tau.push_back(r.tau), h.push_back(label_entropy);
  t.add("tau", tau);
  auto add = [&](const std::string& name, Estimate DaeRow::*field) {
    std::vector<double> v, e;
    for (const auto& r : rows) v.push_back((r.*field).value), e.push_back((r.*field).std_error);
    t.add(name, v).add(name + "_stderr", e);
  };
  add("i_per", &DaeRow::per), add("i_sem", &DaeRow::sem);
  add("classifier_per", &DaeRow::per_classifier), add("classifier_sem", &DaeRow::sem_classifier);
  t.add("label_entropy", h);
  add("posterior_per", &DaeRow::per_posterior), add("posterior_sem", &DaeRow::sem_posterior);
  return t;
}

void write_dae_csv(const std::string& path, const std::vector<DaeRow>& rows, double label_entropy) {
  write_text_atomic(path, dae_table(rows, label_entropy).csv());
}

void plot_dae(const std::string& path, const std::vector<DaeRow>& rows, double label_entropy, const std::string& title) {
  const auto t = dae_table(rows, label_entropy);
  auto use = [&t](std::initializer_list<std::string> names) { return " using " + t.columns(names); };
  std::ostringstream body;
  body << "unset logscale x\nset format x '%g'\nset key top right\nset xlabel 'split time {/Symbol t}'\n"
       << "set ylabel 'I(Z; Y) (nats)'\nset yrange [0:*]\n"
       << "set key bottom right\n"
       << "plot DATA skip 1" << use({"tau", "posterior_per", "posterior_per_stderr"}) << " with yerrorlines lw 2 pt 7 " << kPlotBlue
       << " title 'I(Z_{per}; Y), MINDE by posterior'"
       << ", '' skip 1" << use({"tau", "posterior_sem", "posterior_sem_stderr"}) << " with yerrorlines lw 2 pt 5 " << kPlotGreen
       << " title 'I(Z_{sem}; Y), MINDE by posterior'"
       << ", '' skip 1" << use({"tau", "i_per", "i_per_stderr"}) << " with yerrorlines lw 1 pt 7 ps 0.5 " << kPlotBlue
       << " title 'I(Z_{per}; Y), MINDE'"
       << ", '' skip 1" << use({"tau", "i_sem", "i_sem_stderr"}) << " with yerrorlines lw 1 pt 5 ps 0.5 " << kPlotGreen
       << " title 'I(Z_{sem}; Y), MINDE'"
       << ", '' skip 1" << use({"tau", "classifier_per", "classifier_per_stderr"}) << " with yerrorlines lw 1 dt 2 pt 6 "
       << kPlotBlue << " title 'Z_{per}: H(Y) - classifier CE'"
       << ", '' skip 1" << use({"tau", "classifier_sem", "classifier_sem_stderr"}) << " with yerrorlines lw 1 dt 2 pt 4 "
       << kPlotGreen << " title 'Z_{sem}: H(Y) - classifier CE'"
       << ", '' skip 1" << use({"tau", "label_entropy"}) << " with lines lw 1 dt 3 lc rgb 'black' title 'H(Y)'\n";
  draw_plot(path, t.csv(), title, body.str(), 1);
}

void plot_latent_map(const std::string& path, const torch::Tensor& first, const std::string& first_name,
                     const torch::Tensor& second, const std::string& second_name, const torch::Tensor& labels,
                     const std::string& title) {
  TORCH_CHECK(first.dim() == 2 && first.size(1) == 2 && second.sizes() == first.sizes() && labels.dim() == 1 &&
                  labels.size(0) == first.size(0),
              "a latent map needs two [N, 2] point sets and [N] labels");
  auto a = first.to(torch::kFloat64).contiguous(), b = second.to(torch::kFloat64).contiguous();
  auto y = labels.to(torch::kInt64).contiguous();
  std::ostringstream data, body;
  data.precision(8);
  const auto pa = a.accessor<double, 2>(), pb = b.accessor<double, 2>();
  const auto py = y.accessor<int64_t, 1>();
  for (int64_t i = 0; i < a.size(0); ++i)
    data << pa[i][0] << ',' << pa[i][1] << ',' << pb[i][0] << ',' << pb[i][1] << ',' << py[i] << "\n";
  const int64_t classes = y.max().item<int64_t>() + 1;
  body << "unset logscale x\nset format x '%g'\nunset key\nset cbrange [-0.5:" << classes - 0.5
       << "]\nset cbtics 1\nset palette maxcolors " << std::min<int64_t>(classes, 10) << "\nset palette defined (0 '#1f77b4', 1 '#ff7f0e', 2 '#2ca02c', "
          "3 '#d62728', 4 '#9467bd', 5 '#8c564b', 6 '#e377c2', 7 '#7f7f7f', 8 '#bcbd22', 9 '#17becf')\n"
       << "set cblabel 'class'\nset xlabel 'axis 1'\nset ylabel 'axis 2'\n"
       << "set title '" << first_name << "'\nplot DATA using 1:2:5 with points pt 7 ps 0.4 palette\n"
       << "set title '" << second_name << "'\nplot DATA using 3:4:5 with points pt 7 ps 0.4 palette\n";
  draw_plot(path, data.str(), title, body.str(), 2);
}

}  // namespace diffinfo
