#include "diffinfo/report/plot.h"

#include "diffinfo/io/files.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace diffinfo {

const char* const kPlotBlue = "lc rgb '#1f77b4'";
const char* const kPlotGreen = "lc rgb '#2ca02c'";
const char* const kPlotRed = "lc rgb '#d62728'";
const char* const kPlotOrange = "lc rgb '#ff7f0e'";

std::string plot_literal(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '_' || c == '^') out += "\\\\";  // two backslashes: the quoted string makes them one, which escapes c
    out += c;
  }
  return out;
}

void draw_plot(const std::string& path, const std::string& csv, const std::string& title, const std::string& body,
               int panels) {
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
     << "set multiplot layout " << panels << ",1 title \"" << plot_literal(title) << "\"\n"
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

}  // namespace diffinfo
