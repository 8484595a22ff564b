#include "diffinfo/report/thermodynamics.h"

#include "diffinfo/io/files.h"
#include "diffinfo/report/plot.h"
#include "diffinfo/report/profile_table.h"

#include <cmath>
#include <sstream>

namespace diffinfo {
namespace {

// The three rates (divergence form solid, norm form dashed) from production table `t` at `index`, over s
// on a log axis or a linear one (VE's σ grows like r^s, so its rates live near s = 1).
std::string production_panel(const Table& t, const std::string& index, bool log_s) {
  auto use = [&](const std::string& y) { return index + " using " + t.columns({"s", y}); };
  std::ostringstream b;
  b << (log_s ? "set logscale x\nset format x '10^{%L}'\n" : "unset logscale x\nset format x '%g'\n")
    << "set xlabel 'diffusion time s (generation runs t = 1 - s)'\n"
    << "set ylabel 'entropy rate (nats per unit t)'\nset key top right\n"
    << "plot DATA " << use("intrinsic_div") << " with lines lw 2 " << kPlotBlue << " title 'intrinsic'"
    << ", '' " << use("exchange_div") << " with lines lw 2 " << kPlotRed << " title 'exchange'"
    << ", '' " << use("system_div") << " with lines lw 2 " << kPlotGreen << " title 'system'"
    << ", '' " << use("intrinsic") << " with lines lw 1 dt 2 " << kPlotBlue << " title 'norm form'"
    << ", '' " << use("exchange") << " with lines lw 1 dt 2 " << kPlotRed << " notitle"
    << ", '' " << use("system") << " with lines lw 1 dt 2 " << kPlotGreen << " notitle\n";
  return b.str();
}

}  // namespace

Table production_table(const EntropyProduction& p) {
  auto t = strata_table(p.system);
  const std::vector<std::pair<const char*, const EntropyProfile*>> cols = {
      {"intrinsic", &p.intrinsic},         {"exchange", &p.exchange},         {"system", &p.system},
      {"intrinsic_div", &p.intrinsic_div}, {"exchange_div", &p.exchange_div}, {"system_div", &p.system_div},
      {"score_norm", &p.score_norm},       {"score_divergence", &p.score_divergence}, {"stein", &p.stein}};
  for (const auto& [name, profile] : cols) {
    std::vector<double> v, e;
    for (const auto& pt : profile->curve) v.push_back(pt.rate.value), e.push_back(pt.rate.std_error);
    t.add(name, v).add(std::string(name) + "_stderr", e);
  }
  return t;
}

void write_production_csv(const std::string& path, const EntropyProduction& production) {
  write_text_atomic(path, production_table(production).csv());
}

void plot_production(const std::string& path, const EntropyProduction& production, const std::string& title) {
  const auto t = production_table(production);
  std::ostringstream body;
  body << production_panel(t, "", true) << "set ylabel 'Stein check (nats per unit s)'\n"
       << "plot DATA using " << t.columns({"s", "score_norm", "score_norm_stderr"}) << " with yerrorlines lw 2 pt 7 ps 0.3 "
       << kPlotBlue << " title '{/Symbol s}^2/2 E|s|^2'"
       << ", '' using " << t.columns({"s", "score_divergence", "score_divergence_stderr"})
       << " with yerrorlines lw 1 pt 6 ps 0.3 " << kPlotRed << " title '-{/Symbol s}^2/2 E div s'\n";
  draw_plot(path, t.csv(true), title, body.str());
}

Table limits_table(const std::vector<LimitsRow>& rows) {
  std::vector<std::string> data, process;
  std::vector<double> noise, nll, nll_se, bound, bound_se, gap, gap_se, den, den_se, s0;
  for (const auto& r : rows) {
    data.push_back(r.data), process.push_back(r.process), noise.push_back(r.noise);
    nll.push_back(r.nll.value), nll_se.push_back(r.nll.std_error), bound.push_back(r.bound.value);
    bound_se.push_back(r.bound.std_error), gap.push_back(r.nll.value - r.bound.value);
    gap_se.push_back(std::hypot(r.nll.std_error, r.bound.std_error)), den.push_back(r.denoising.value);
    den_se.push_back(r.denoising.std_error), s0.push_back(r.data_entropy);
  }
  Table t;
  t.add_text("data", data).add_text("process", process).add("noise", noise).add("nll", nll).add("nll_stderr", nll_se);
  t.add("bound", bound).add("bound_stderr", bound_se).add("gap", gap).add("gap_stderr", gap_se);
  t.add("denoising_bound", den).add("denoising_bound_stderr", den_se).add("data_entropy", s0);
  return t;
}

void write_limits_csv(const std::string& path, const std::vector<LimitsRow>& rows) {
  write_text_atomic(path, limits_table(rows).csv());
}

void plot_limits(const std::string& path, const std::vector<LimitsRow>& rows, const EntropyProduction& best,
                 const std::string& best_label) {
  const auto t = limits_table(rows);
  const auto rates = production_table(best);
  const char* kinds[4][3] = {{"gaussian", "ve", "7"}, {"gaussian", "vp", "5"}, {"uniform", "ve", "9"}, {"uniform", "vp", "11"}};
  auto col = [&t](const std::string& name) { return std::to_string(t.column(name)); };
  auto select = [&](const char* const* k, const std::string& column) {
    return "(strcol(" + col("data") + ") eq '" + k[0] + "' && strcol(" + col("process") + ") eq '" + k[1] + "' ? " + column +
           " : 1/0)";
  };
  std::ostringstream body;
  body << "unset logscale x\nset format x '%g'\nset xlabel 'thermodynamic bound (nats)'\nset ylabel 'NLL (nats)'\n"
       << "set key top left\nplot DATA index 0 using " << col("bound") << ":" << col("bound")
       << " with lines lw 1 dt 2 lc rgb 'black' title 'NLL = bound'";
  for (const auto& k : kinds)
    body << ", '' index 0 using " << select(k, "$" + col("bound")) << ":" << t.columns({"nll", "bound_stderr", "nll_stderr", "noise"})
         << " with xyerrorbars pt " << k[2] << " ps 1.2 lc palette title '" << k[0] << " " << k[1] << "'";
  body << "\nset xlabel 'noise parameter (VE: {/Symbol s}_{max}, VP: {/Symbol b}_{max})'\nset offsets graph 0.05, graph 0.05, 0, 0\nset ylabel 'gap NLL - bound (nats)'\n"
       << "unset colorbox\nplot 0 with lines lw 1 dt 2 lc rgb 'black' notitle";
  for (const auto& k : kinds)
    body << ", DATA index 0 using " << select(k, "$" + col("noise")) << ":" << t.columns({"gap", "gap_stderr"})
         << " with yerrorlines pt " << k[2] << " ps 1.2 title '" << k[0] << " " << k[1] << "'";
  body << "\nset offsets 0, 0, 0, 0\nset title '" << best_label << "'\n" << production_panel(rates, "index 1", false) << "unset title\n";
  draw_plot(path, t.csv(true) + "\n\n" + rates.csv(true), "NLL against the thermodynamic bound", body.str(), 3);
}

}  // namespace diffinfo
