#pragma once
// Figures through gnuplot (PNG by pngcairo, SVG by extension), drawn from a table written to a
// scratch CSV; every report family composes its panels from these.
//
//   diffinfo::draw_plot("curve.png", table.csv(), "title", "plot DATA skip 1 using " + table.columns({"s", "rate"}) + " with lines\n");
#include <string>

namespace diffinfo {

/// Draws `body` (gnuplot commands that read the CSV text `data` as DATA) to a PNG or SVG at `path`,
/// atomically, `panels` plots stacked in one column under `title`. The log-s axis is on by default.
/// Throws naming `path` when the format is unknown or gnuplot is missing or fails.
void draw_plot(const std::string& path, const std::string& data, const std::string& title, const std::string& body,
               int panels = 2);

/// `text` shown as is in gnuplot's enhanced mode: run names like runs/fm_labels keep their underscores.
std::string plot_literal(const std::string& text);

/// Line colours shared by every figure ("lc rgb '#…'").
extern const char* const kPlotBlue;
extern const char* const kPlotGreen;
extern const char* const kPlotRed;
extern const char* const kPlotOrange;

}  // namespace diffinfo
