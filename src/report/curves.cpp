#include "diffinfo/report/curves.h"

#include "diffinfo/io/files.h"

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

void plot_entropy(const std::string& path, const EntropyProfile& neural, const EntropyProfile* exact,
                  const std::string& title) {
  std::string terminal;
  if (ends_with(path, ".png")) terminal = "pngcairo size 900,760 font 'Sans,10'";
  else if (ends_with(path, ".svg")) terminal = "svg size 900,760 font 'Sans,10'";
  else throw std::runtime_error(path + ": unknown plot format (expected .png or .svg)");
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    throw std::runtime_error(path + ": gnuplot not found (install gnuplot-nox, e.g. with scripts/setup.sh)");

  const auto data = (std::filesystem::temp_directory_path() /
                     ("diffinfo-plot-" + std::to_string(::getpid()) + ".csv")).string();
  write_text_atomic(data, csv_text(neural, exact));
  std::ostringstream gp;
  gp << "set terminal " << terminal << "\n"
     << "set output '" << path << ".tmp'\n"
     << "set datafile separator ','\n"
     << "set key top left\nset grid\nset logscale x\nset format x '10^{%L}'\n"
     << "set multiplot layout 2,1 title \"" << title << "\"\n"
     << "set ylabel 'entropy rate dS/ds (nats)'\n"
     << "plot '" << data << "' skip 1 using 3:4:5 with yerrorlines lw 2 pt 7 ps 0.4 lc rgb '#1f77b4' title 'neural'";
  if (exact) gp << ", '' skip 1 using 3:8 with lines lw 2 dt 2 lc rgb '#d62728' title 'exact'";
  gp << "\nset xlabel 'diffusion time s'\nset ylabel 'running integral (nats)'\n"
     << "plot '" << data << "' skip 1 using 2:6:7 with yerrorlines lw 2 pt 7 ps 0.4 lc rgb '#1f77b4' title 'S_{NN}(s)'";
  if (exact) gp << ", '' skip 1 using 2:10 with lines lw 2 dt 2 lc rgb '#d62728' title 'S_{tot}(s)'";
  gp << "\nunset multiplot\nset output\n";

  FILE* pipe = popen("gnuplot 2>&1", "w");
  if (!pipe) throw std::runtime_error(path + ": cannot start gnuplot");
  const auto script = gp.str();
  fwrite(script.data(), 1, script.size(), pipe);
  const int status = pclose(pipe);
  std::filesystem::remove(data);
  if (status != 0 || !file_exists(path + ".tmp")) throw std::runtime_error(path + ": gnuplot failed to draw the plot");
  std::filesystem::rename(path + ".tmp", path);
}

}  // namespace diffinfo
