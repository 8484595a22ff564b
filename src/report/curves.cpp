#include "diffinfo/report/curves.h"

#include "diffinfo/io/files.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace diffinfo {
namespace {

std::string csv_text(const EntropyProfile& neural, const EntropyProfile* exact) {
  TORCH_CHECK(!exact || exact->curve.size() == neural.curve.size(), "exact and neural curves differ in length");
  std::ostringstream out;
  out.precision(10);
  out << "s_lo,s_hi,s,rate,rate_stderr,cumulative,cumulative_stderr";
  if (exact) out << ",exact_rate,exact_rate_stderr,exact_cumulative,exact_cumulative_stderr";
  out << "\n";
  for (size_t i = 0; i < neural.curve.size(); ++i) {
    const auto& p = neural.curve[i];
    out << p.s_lo << ',' << p.s_hi << ',' << p.s << ',' << p.rate.value << ',' << p.rate.std_error << ','
        << p.cumulative.value << ',' << p.cumulative.std_error;
    if (exact) {
      const auto& e = exact->curve[i];
      out << ',' << e.rate.value << ',' << e.rate.std_error << ',' << e.cumulative.value << ',' << e.cumulative.std_error;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace

void write_entropy_csv(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact) {
  write_text_atomic(path, csv_text(neural, exact));
}

namespace {

// `text` shown as is in gnuplot's enhanced mode: run names like runs/fm_labels keep their underscores.
std::string literal(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '_' || c == '^') out += "\\\\";  // two backslashes: the quoted string makes them one, which escapes c
    out += c;
  }
  return out;
}

// Draws `body` (gnuplot commands that read the CSV as DATA) to a PNG or SVG at `path`, atomically.
// `panels` plots stacked in one column.
void draw(const std::string& path, const std::string& csv, const std::string& title, const std::string& body,
          int panels = 2) {
  std::string terminal;
  const auto size = "size 900," + std::to_string(380 * panels) + " font 'Sans,10'";
  if (ends_with(path, ".png")) terminal = "pngcairo " + size;
  else if (ends_with(path, ".svg")) terminal = "svg " + size;
  else throw std::runtime_error(path + ": unknown plot format (expected .png or .svg)");
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    throw std::runtime_error(path + ": gnuplot not found (install gnuplot-nox, e.g. with scripts/setup.sh)");

  const auto data = (std::filesystem::temp_directory_path() /
                     ("diffinfo-plot-" + std::to_string(::getpid()) + ".csv")).string();
  write_text_atomic(data, csv);
  std::ostringstream gp;
  gp << "set terminal " << terminal << "\n"
     << "set output '" << path << ".tmp'\n"
     << "set datafile separator ','\n"
     << "DATA = '" << data << "'\n"
     << "set key top left\nset grid\nset logscale x\nset format x '10^{%L}'\n"
     << "set multiplot layout " << panels << ",1 title \"" << literal(title) << "\"\n"
     << body << "\nunset multiplot\nset output\n";
  FILE* pipe = popen("gnuplot 2>&1", "w");
  if (!pipe) throw std::runtime_error(path + ": cannot start gnuplot");
  const auto script = gp.str();
  fwrite(script.data(), 1, script.size(), pipe);
  const int status = pclose(pipe);
  std::filesystem::remove(data);
  if (status != 0 || !file_exists(path + ".tmp")) throw std::runtime_error(path + ": gnuplot failed to draw the plot");
  std::filesystem::rename(path + ".tmp", path);
}

const char* kBlue = "lc rgb '#1f77b4'";
const char* kGreen = "lc rgb '#2ca02c'";
const char* kRed = "lc rgb '#d62728'";
const char* kOrange = "lc rgb '#ff7f0e'";

std::string mi_csv_text(const MutualInformationProfile& mi, const MutualInformationProfile* exact,
                        const std::vector<double>* closed_form) {
  const auto n = mi.minde.curve.size();
  TORCH_CHECK(!exact || exact->minde.curve.size() == n, "exact and neural curves differ in length");
  TORCH_CHECK(!closed_form || closed_form->size() == n, "closed-form and neural curves differ in length");
  std::ostringstream out;
  out.precision(10);
  out << "s_lo,s_hi,s,mi_rate,mi_rate_stderr,mi_above,mi_above_stderr,difference_rate,difference_rate_stderr,"
         "difference_above,difference_above_stderr";
  if (exact) out << ",exact_mi_rate,exact_mi_rate_stderr,exact_mi_above,exact_mi_above_stderr";
  if (closed_form) out << ",closed_form_mi_above";
  out << ",cond_entropy_rate,cond_entropy_rate_stderr,uncond_entropy_rate,uncond_entropy_rate_stderr";
  if (exact) out << ",exact_cond_entropy_rate,exact_uncond_entropy_rate";
  out << ",mmse_gap_rate,mmse_gap_rate_stderr,mmse_gap_above,mmse_gap_above_stderr\n";
  auto put = [&out](const EntropyProfile& p, size_t i) {
    const auto above = p.above(i);
    out << ',' << p.curve[i].rate.value << ',' << p.curve[i].rate.std_error << ',' << above.value << ',' << above.std_error;
  };
  for (size_t i = 0; i < n; ++i) {
    const auto& p = mi.minde.curve[i];
    out << p.s_lo << ',' << p.s_hi << ',' << p.s;
    put(mi.minde, i);
    put(mi.difference, i);
    if (exact) put(exact->minde, i);
    if (closed_form) out << ',' << (*closed_form)[i];
    for (const auto* p : {&mi.conditional, &mi.unconditional}) out << ',' << p->curve[i].rate.value << ',' << p->curve[i].rate.std_error;
    if (exact) out << ',' << exact->conditional.curve[i].rate.value << ',' << exact->unconditional.curve[i].rate.value;
    put(mi.mmse_gap, i);
    out << "\n";
  }
  return out.str();
}

}  // namespace

void plot_entropy(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact,
                  const std::string& title) {
  std::ostringstream body;
  body << "set ylabel 'entropy rate dS/ds (nats)'\n"
       << "plot DATA skip 1 using 3:4:5 with yerrorlines lw 2 pt 7 ps 0.4 " << kBlue << " title 'neural'";
  if (exact) body << ", '' skip 1 using 3:8 with lines lw 2 dt 2 " << kRed << " title 'exact'";
  body << "\nset xlabel 'diffusion time s'\nset ylabel 'running integral (nats)'\n"
       << "plot DATA skip 1 using 2:6:7 with yerrorlines lw 2 pt 7 ps 0.4 " << kBlue << " title 'S_{NN}(s)'";
  if (exact) body << ", '' skip 1 using 2:10 with lines lw 2 dt 2 " << kRed << " title 'S_{tot}(s)'";
  draw(path, csv_text(neural, exact), title, body.str());
}

void write_mi_csv(const std::string& path, const MutualInformationProfile& mi, const MutualInformationProfile* exact,
                  const std::vector<double>* closed_form) {
  write_text_atomic(path, mi_csv_text(mi, exact, closed_form));
}

void plot_mutual_information(const std::string& path, const MutualInformationProfile& mi,
                             const MutualInformationProfile* exact, const std::vector<double>* closed_form,
                             const std::string& title) {
  // The two neural entropies whose difference is the MI (columns after the MI ones), then the MMSE gap.
  const int e = 12 + (exact ? 4 : 0) + (closed_form ? 1 : 0), g = e + 4 + (exact ? 2 : 0);
  std::ostringstream body;
  body << "set key top right\nset ylabel 'MI rate (nats per unit s)'\n"
       << "plot DATA skip 1 using 3:4:5 with yerrorlines lw 2 pt 7 ps 0.4 " << kBlue << " title 'MINDE'"
       << ", '' skip 1 using 3:8:9 with yerrorlines lw 1 pt 6 ps 0.4 " << kGreen << " title 'S^{X|Y} - S^X'"
       << ", '' skip 1 using 3:" << g << ":" << g + 1 << " with yerrorlines lw 1 pt 4 ps 0.4 " << kOrange << " title 'MMSE gap'";
  if (exact) body << ", '' skip 1 using 3:12 with lines lw 2 dt 2 " << kRed << " title 'exact scores'";
  body << "\nset xlabel 'diffusion time s'\nset ylabel 'I(X_s; Y) (nats)'\n"
       << "plot DATA skip 1 using 1:6:7 with yerrorlines lw 2 pt 7 ps 0.4 " << kBlue << " title 'MINDE'"
       << ", '' skip 1 using 1:10:11 with yerrorlines lw 1 pt 6 ps 0.4 " << kGreen << " title 'S^{X|Y} - S^X'"
       << ", '' skip 1 using 1:" << g + 2 << ":" << g + 3 << " with yerrorlines lw 1 pt 4 ps 0.4 " << kOrange
       << " title 'MMSE gap'";
  if (exact) body << ", '' skip 1 using 1:14 with lines lw 2 dt 2 " << kRed << " title 'exact scores'";
  if (closed_form) body << ", '' skip 1 using 1:" << (exact ? 16 : 12) << " with lines lw 1 lc rgb 'black' title 'closed form'";
  body << "\nset key top right\nset ylabel 'entropy rate (nats per unit s)'\n"
       << "plot DATA skip 1 using 3:" << e << ":" << e + 1 << " with yerrorlines lw 2 pt 7 ps 0.4 " << kBlue
       << " title 'S^{X|Y} neural'"
       << ", '' skip 1 using 3:" << e + 2 << ":" << e + 3 << " with yerrorlines lw 1 pt 6 ps 0.4 " << kGreen
       << " title 'S^X neural'";
  if (exact)
    body << ", '' skip 1 using 3:" << e + 4 << " with lines lw 2 dt 2 " << kRed << " title 'S^{X|Y} exact'"
         << ", '' skip 1 using 3:" << e + 5 << " with lines lw 1 dt 2 lc rgb 'black' title 'S^X exact'";
  draw(path, mi_csv_text(mi, exact, closed_form), title, body.str(), 3);
}

namespace {

// The label-entropy table, and the 1-based columns of its optional parts for the plot.
struct LabelTable {
  std::string text;
  int exact_on_path = 0, forward = 0, minde = 0, labelled = 0, mmse = 0;
};

LabelTable label_table(const PosteriorProfile& p, const LabelReferences& refs, bool pairs) {
  const size_t n = p.s.size();
  const bool on_path = !p.exact_entropy.empty(), forward = !refs.forward.empty(), minde = !refs.minde.empty();
  TORCH_CHECK((!forward || refs.forward.size() == n) && (!minde || refs.minde.size() == n),
              "reference curves must lie on the posterior's grid");
  LabelTable t;
  std::ostringstream out;
  out.precision(10);
  const bool labelled = !p.cross_entropy.empty();
  out << "s,conditional_entropy,conditional_entropy_stderr,rate,rate_stderr,information,"
         "posterior_minde,posterior_minde_stderr,null_gap,null_gap_stderr";
  int col = 10;
  if (labelled)
    out << ",minde_on_paths,minde_on_paths_stderr,cross_entropy,cross_entropy_stderr,information_lower_bound,accuracy",
        t.labelled = col + 1, col += 6;
  const bool mmse = !p.mmse_gap_information.empty();
  if (mmse)
    out << ",mmse_gap_on_paths,mmse_gap_on_paths_stderr,posterior_mmse_gap,posterior_mmse_gap_stderr", t.mmse = col + 1,
        col += 4;
  if (on_path) out << ",exact_on_path,exact_on_path_rate,gap,gap_stderr", t.exact_on_path = col + 1, col += 4;
  if (forward) out << ",exact,exact_stderr,exact_rate", t.forward = col + 1, col += 3;
  if (minde) out << ",minde_information", t.minde = col + 1, col += 1;
  const int64_t k = p.posterior.size(1);
  for (int64_t c = 0; c < k; ++c) out << ",posterior_" << c;
  for (int64_t c = 0; c < k; ++c) out << ",versus_null_" << c;
  if (pairs)
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = a + 1; b < k; ++b) out << ",pair_" << a << "_" << b;
  out << "\n";
  for (size_t i = 0; i < n; ++i) {
    out << p.s[i] << ',' << p.entropy[i].value << ',' << p.entropy[i].std_error << ',' << p.rate[i].value << ','
        << p.rate[i].std_error << ',' << p.information(i).value << ',' << p.posterior_information[i].value << ','
        << p.posterior_information[i].std_error << ',' << p.null_gap[i].value << ',' << p.null_gap[i].std_error;
    if (labelled)
      out << ',' << p.minde_information[i].value << ',' << p.minde_information[i].std_error << ','
          << p.cross_entropy[i].value << ',' << p.cross_entropy[i].std_error << ','
          << p.label_entropy - p.cross_entropy[i].value << ',' << p.accuracy[i].value;
    if (mmse)
      out << ',' << p.mmse_gap_information[i].value << ',' << p.mmse_gap_information[i].std_error << ','
          << p.posterior_mmse_gap[i].value << ',' << p.posterior_mmse_gap[i].std_error;
    if (on_path)
      out << ',' << p.exact_entropy[i].value << ',' << p.exact_rate[i].value << ',' << p.gap[i].value << ','
          << p.gap[i].std_error;
    if (forward) out << ',' << refs.forward[i].value << ',' << refs.forward[i].std_error << ',' << refs.forward_rate[i];
    if (minde) out << ',' << refs.minde[i];
    const auto row = static_cast<int64_t>(i);
    for (int64_t c = 0; c < k; ++c) out << ',' << p.posterior[row][c].item<double>();
    for (int64_t c = 0; c < k; ++c) out << ',' << p.versus_null[row][c].item<double>();
    if (pairs)
      for (int64_t j = 0; j < p.pairs.size(1); ++j) out << ',' << p.pairs[row][j].item<double>();
    out << "\n";
  }
  t.text = out.str();
  return t;
}

}  // namespace

void write_label_entropy_csv(const std::string& path, const PosteriorProfile& profile, const LabelReferences& refs,
                             bool pairs) {
  write_text_atomic(path, label_table(profile, refs, pairs).text);
}

void plot_label_entropy(const std::string& path, const PosteriorProfile& profile, const LabelReferences& refs,
                        const std::string& title) {
  const auto t = label_table(profile, refs, false);
  std::ostringstream body;
  body << "set key top left\nset ylabel 'H(C | X_s) (nats)'\n"
       << "plot DATA skip 1 using 1:2:3 with yerrorlines lw 2 pt 7 ps 0.2 " << kBlue << " title 'online posterior'";
  if (t.exact_on_path) body << ", '' skip 1 using 1:" << t.exact_on_path << " with lines lw 1 " << kGreen << " title 'exact posterior, same paths'";
  if (t.forward) body << ", '' skip 1 using 1:" << t.forward << " with lines lw 2 dt 2 " << kRed << " title 'exact (forward)'";
  body << "\nset ylabel 'dH/ds (nats per unit s)'\n"
       << "plot DATA skip 1 using 1:4:5 with yerrorlines lw 2 pt 7 ps 0.2 " << kBlue << " title 'online posterior'";
  if (t.forward) body << ", '' skip 1 using 1:" << t.forward + 2 << " with lines lw 2 dt 2 " << kRed << " title 'exact (forward)'";
  body << "\nset xlabel 'diffusion time s'\nset key top right\nset ylabel 'I(X_s; C) (nats)'\n"
       << "plot DATA skip 1 using 1:6 with lines lw 2 " << kBlue << " title 'H(C) - H(C | X_s), posterior'";
  body << ", '' skip 1 using 1:7 with lines lw 2 " << kRed << " title 'MINDE by posterior'";
  if (t.labelled)
    body << ", '' skip 1 using 1:" << t.labelled + 4 << " with lines lw 2 dt 3 " << kBlue << " title 'H(C) - CE, labels'"
         << ", '' skip 1 using 1:" << t.labelled << " with lines lw 1 dt 2 " << kRed << " title 'MINDE, same paths'";
  if (t.mmse) body << ", '' skip 1 using 1:" << t.mmse + 2 << " with lines lw 2 " << kOrange << " title 'MMSE gap by posterior'";
  if (t.minde) body << ", '' skip 1 using 1:" << t.minde << " with lines lw 2 dt 2 " << kGreen << " title 'MINDE'";
  draw(path, t.text, title, body.str(), 3);
}

namespace {

std::string production_text(const EntropyProduction& p, const std::string& comment) {
  const std::vector<std::pair<const char*, const EntropyProfile*>> cols = {
      {"intrinsic", &p.intrinsic},         {"exchange", &p.exchange},         {"system", &p.system},
      {"intrinsic_div", &p.intrinsic_div}, {"exchange_div", &p.exchange_div}, {"system_div", &p.system_div},
      {"score_norm", &p.score_norm},       {"score_divergence", &p.score_divergence}, {"stein", &p.stein}};
  std::ostringstream out;
  out.precision(10);
  out << comment << "s_lo,s_hi,s";
  for (const auto& c : cols) out << ',' << c.first << ',' << c.first << "_stderr";
  out << "\n";
  for (size_t i = 0; i < p.system.curve.size(); ++i) {
    const auto& pt = p.system.curve[i];
    out << pt.s_lo << ',' << pt.s_hi << ',' << pt.s;
    for (const auto& c : cols) out << ',' << c.second->curve[i].rate.value << ',' << c.second->curve[i].rate.std_error;
    out << "\n";
  }
  return out.str();
}

std::string limits_text(const std::vector<LimitsRow>& rows, const std::string& comment) {
  std::ostringstream out;
  out.precision(10);
  out << comment << "data,process,noise,nll,nll_stderr,bound,bound_stderr,gap,gap_stderr,denoising_bound,"
      << "denoising_bound_stderr,data_entropy\n";
  for (const auto& r : rows)
    out << r.data << ',' << r.process << ',' << r.noise << ',' << r.nll.value << ',' << r.nll.std_error << ','
        << r.bound.value << ',' << r.bound.std_error << ',' << r.nll.value - r.bound.value << ','
        << std::hypot(r.nll.std_error, r.bound.std_error) << ',' << r.denoising.value << ',' << r.denoising.std_error
        << ',' << r.data_entropy << "\n";
  return out.str();
}

// The three rates (divergence form solid, norm form dashed) from a production table at `index`, over s
// on a log axis or a linear one (VE's σ grows like r^s, so its rates live near s = 1).
std::string production_panel(const std::string& index, bool log_s) {
  std::ostringstream b;
  b << (log_s ? "set logscale x\nset format x '10^{%L}'\n" : "unset logscale x\nset format x '%g'\n")
    << "set xlabel 'diffusion time s (generation runs t = 1 - s)'\n"
    << "set ylabel 'entropy rate (nats per unit t)'\nset key top right\n"
    << "plot DATA " << index << " using 3:10 with lines lw 2 " << kBlue << " title 'intrinsic'"
    << ", '' " << index << " using 3:12 with lines lw 2 " << kRed << " title 'exchange'"
    << ", '' " << index << " using 3:14 with lines lw 2 " << kGreen << " title 'system'"
    << ", '' " << index << " using 3:4 with lines lw 1 dt 2 " << kBlue << " title 'norm form'"
    << ", '' " << index << " using 3:6 with lines lw 1 dt 2 " << kRed << " notitle"
    << ", '' " << index << " using 3:8 with lines lw 1 dt 2 " << kGreen << " notitle\n";
  return b.str();
}

}  // namespace

void write_production_csv(const std::string& path, const EntropyProduction& production) {
  write_text_atomic(path, production_text(production, ""));
}

void plot_production(const std::string& path, const EntropyProduction& production, const std::string& title) {
  std::ostringstream body;
  body << production_panel("", true)
       << "set ylabel 'Stein check (nats per unit s)'\n"
       << "plot DATA using 3:16:17 with yerrorlines lw 2 pt 7 ps 0.3 " << kBlue << " title '{/Symbol s}^2/2 E|s|^2'"
       << ", '' using 3:18:19 with yerrorlines lw 1 pt 6 ps 0.3 " << kRed << " title '-{/Symbol s}^2/2 E div s'\n";
  draw(path, production_text(production, "#"), title, body.str());
}

void write_limits_csv(const std::string& path, const std::vector<LimitsRow>& rows) {
  write_text_atomic(path, limits_text(rows, ""));
}

void plot_limits(const std::string& path, const std::vector<LimitsRow>& rows, const EntropyProduction& best,
                 const std::string& best_label) {
  const char* kinds[4][3] = {{"gaussian", "ve", "7"}, {"gaussian", "vp", "5"}, {"uniform", "ve", "9"}, {"uniform", "vp", "11"}};
  auto select = [](const char* const* k, const std::string& column) {
    return std::string("(strcol(1) eq '") + k[0] + "' && strcol(2) eq '" + k[1] + "' ? " + column + " : 1/0)";
  };
  std::ostringstream body;
  body << "unset logscale x\nset format x '%g'\nset xlabel 'thermodynamic bound (nats)'\nset ylabel 'NLL (nats)'\n"
       << "set key top left\nplot DATA index 0 using 6:6 with lines lw 1 dt 2 lc rgb 'black' title 'NLL = bound'";
  for (const auto& k : kinds)
    body << ", '' index 0 using " << select(k, "$6") << ":4:7:5:3 with xyerrorbars pt " << k[2]
         << " ps 1.2 lc palette title '" << k[0] << " " << k[1] << "'";
  body << "\nset xlabel 'noise parameter (VE: {/Symbol s}_{max}, VP: {/Symbol b}_{max})'\nset offsets graph 0.05, graph 0.05, 0, 0\nset ylabel 'gap NLL - bound (nats)'\n"
       << "unset colorbox\nplot 0 with lines lw 1 dt 2 lc rgb 'black' notitle";
  for (const auto& k : kinds)
    body << ", DATA index 0 using " << select(k, "$3") << ":8:9 with yerrorlines pt " << k[2] << " ps 1.2 title '" << k[0]
         << " " << k[1] << "'";
  body << "\nset offsets 0, 0, 0, 0\nset title '" << best_label << "'\n" << production_panel("index 1", false) << "unset title\n";
  draw(path, limits_text(rows, "#") + "\n\n" + production_text(best, "#"), "NLL against the thermodynamic bound",
       body.str(), 3);
}

namespace {

std::string scaling_text(const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn, const LineFit& fit) {
  TORCH_CHECK(n.size() == s_nn.size() && n.size() == fit.residuals.size(), "a scaling table needs one S_NN and residual per N");
  std::ostringstream out;
  out.precision(10);
  out << "n,ln_n,s_nn,s_nn_stderr,fit,residual\n";
  for (size_t i = 0; i < n.size(); ++i)
    out << n[i] << ',' << std::log(double(n[i])) << ',' << s_nn[i].value << ',' << s_nn[i].std_error << ','
        << s_nn[i].value - fit.residuals[i] << ',' << fit.residuals[i] << "\n";
  return out.str();
}

}  // namespace

void write_scaling_csv(const std::string& path, const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn,
                       const LineFit& fit) {
  write_text_atomic(path, scaling_text(n, s_nn, fit));
}

void plot_scaling(const std::string& path, const std::vector<int64_t>& n, const std::vector<Estimate>& s_nn,
                  const LineFit& fit, const std::string& title) {
  std::ostringstream body;
  body << "set format x '%g'\nset offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\nset key top left\nset ylabel 'S_{NN} (nats)'\n"
       << "plot DATA skip 1 using 1:3:4 with yerrorbars pt 7 ps 1 " << kBlue << " title 'S_{NN}'"
       << ", '' skip 1 using 1:5 with lines lw 2 dt 2 " << kRed << " title sprintf('%.1f %+.1f (± %.1f) ln N', "
       << fit.intercept.value << ", " << fit.slope.value << ", " << fit.slope.std_error << ")\n"
       << "set xlabel 'training-set size N'\nset ylabel 'residual (nats)'\n"
       << "plot 0 with lines lw 1 dt 2 lc rgb 'black' notitle, DATA skip 1 using 1:6:4 with yerrorbars pt 7 ps 1 " << kBlue
       << " notitle\n";
  draw(path, scaling_text(n, s_nn, fit), title, body.str());
}

torch::Tensor tile_images(const torch::Tensor& images, int64_t columns, int64_t gap, double fill) {
  TORCH_CHECK(images.dim() == 4 && images.size(0) >= 1 && columns >= 1 && gap >= 0,
              "tiling needs [N, C, H, W] images, columns >= 1 and gap >= 0, got ", images.sizes());
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const int64_t cols = std::min(columns, n), rows = (n + cols - 1) / cols;
  auto canvas = torch::full({c, rows * (h + gap) - gap, cols * (w + gap) - gap}, fill, images.options());
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = i / cols, k = i % cols;
    canvas.narrow(1, r * (h + gap), h).narrow(2, k * (w + gap), w).copy_(images[i]);
  }
  return canvas;
}

void plot_image_grid(const std::string& path, const torch::Tensor& images, double low, double high, int64_t columns,
                     const std::string& title) {
  TORCH_CHECK(images.dim() == 4 && (images.size(1) == 1 || images.size(1) == 3),
              "an image grid needs [N, C, H, W] images with C = 1 or 3, got ", images.sizes());
  TORCH_CHECK(high > low, "an image grid needs high > low, got [", low, ", ", high, "]");
  auto pix = ((images.detach().to(torch::kCPU, torch::kFloat64) - low) / (high - low)).clamp(0, 1) * 255.0;
  auto canvas = tile_images(pix, columns, 1, 255.0).round();
  const int64_t c = canvas.size(0), h = canvas.size(1), w = canvas.size(2);
  std::ostringstream data, body;
  if (c == 1) {  // a matrix of grey levels
    auto a = canvas[0].contiguous();
    const double* p = a.data_ptr<double>();
    for (int64_t y = 0; y < h; ++y) {
      for (int64_t x = 0; x < w; ++x) data << (x ? "," : "") << p[y * w + x];
      data << "\n";
    }
    body << "set palette gray\nset cbrange [0:255]\nplot DATA matrix with image notitle\n";
  } else {  // x, y, r, g, b rows
    auto a = canvas.contiguous();
    const double* p = a.data_ptr<double>();
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        data << x << ',' << y << ',' << p[y * w + x] << ',' << p[h * w + y * w + x] << ',' << p[2 * h * w + y * w + x] << "\n";
    body << "plot DATA using 1:2:3:4:5 with rgbimage notitle\n";
  }
  std::ostringstream full;
  full << "unset logscale x\nunset grid\nunset tics\nunset border\nunset colorbox\nset size ratio -1\n"
       << "set xrange [-0.5:" << w - 0.5 << "]\nset yrange [" << h - 0.5 << ":-0.5]\n" << body.str();
  draw(path, data.str(), title, full.str(), 1);
}

namespace {

std::string dae_text(const std::vector<DaeRow>& rows, double label_entropy) {
  std::ostringstream out;
  out.precision(10);
  out << "tau,i_per,i_per_stderr,i_sem,i_sem_stderr,classifier_per,classifier_per_stderr,classifier_sem,"
         "classifier_sem_stderr,label_entropy,posterior_per,posterior_per_stderr,posterior_sem,posterior_sem_stderr\n";
  for (const auto& r : rows)
    out << r.tau << ',' << r.per.value << ',' << r.per.std_error << ',' << r.sem.value << ',' << r.sem.std_error << ','
        << r.per_classifier.value << ',' << r.per_classifier.std_error << ',' << r.sem_classifier.value << ','
        << r.sem_classifier.std_error << ',' << label_entropy << ',' << r.per_posterior.value << ','
        << r.per_posterior.std_error << ',' << r.sem_posterior.value << ',' << r.sem_posterior.std_error << "\n";
  return out.str();
}

}  // namespace

void write_dae_csv(const std::string& path, const std::vector<DaeRow>& rows, double label_entropy) {
  write_text_atomic(path, dae_text(rows, label_entropy));
}

void plot_dae(const std::string& path, const std::vector<DaeRow>& rows, double label_entropy, const std::string& title) {
  std::ostringstream body;
  body << "unset logscale x\nset format x '%g'\nset key top right\nset xlabel 'split time {/Symbol t}'\n"
       << "set ylabel 'I(Z; Y) (nats)'\nset yrange [0:*]\n"
       << "set key bottom right\n"
       << "plot DATA skip 1 using 1:11:12 with yerrorlines lw 2 pt 7 " << kBlue << " title 'I(Z_{per}; Y), MINDE by posterior'"
       << ", '' skip 1 using 1:13:14 with yerrorlines lw 2 pt 5 " << kGreen << " title 'I(Z_{sem}; Y), MINDE by posterior'"
       << ", '' skip 1 using 1:2:3 with yerrorlines lw 1 pt 7 ps 0.5 " << kBlue << " title 'I(Z_{per}; Y), MINDE'"
       << ", '' skip 1 using 1:4:5 with yerrorlines lw 1 pt 5 ps 0.5 " << kGreen << " title 'I(Z_{sem}; Y), MINDE'"
       << ", '' skip 1 using 1:6:7 with yerrorlines lw 1 dt 2 pt 6 " << kBlue << " title 'Z_{per}: H(Y) - classifier CE'"
       << ", '' skip 1 using 1:8:9 with yerrorlines lw 1 dt 2 pt 4 " << kGreen << " title 'Z_{sem}: H(Y) - classifier CE'"
       << ", '' skip 1 using 1:10 with lines lw 1 dt 3 lc rgb 'black' title 'H(Y)'\n";
  draw(path, dae_text(rows, label_entropy), title, body.str(), 1);
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
  draw(path, data.str(), title, body.str(), 2);
}

}  // namespace diffinfo
