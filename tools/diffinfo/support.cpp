#include "commands.h"

#include "diffinfo/measure/divergence.h"
#include "diffinfo/model/network.h"

#include <iostream>
#include <map>

namespace diffinfo::cli {

namespace {
bool printing = true;
}  // namespace

void set_printing(bool on) { printing = on; }

void print_warnings(const app::Report& report) {
  if (!printing) return;
  for (const auto& w : report.warnings) std::cerr << w << "\n";
}

void print(const app::Report& report, bool json) {
  if (!printing) return;
  print_warnings(report);
  std::cout << (json ? report.json.dump(2) + "\n" : report.text) << std::flush;
}

void add_measure_options(CLI::App* cmd, std::string& device, EntropyOptions& options) {
  cmd->add_option("--device", device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--points", options.points(), "strata on the time axis")->capture_default_str();
  cmd->add_option("--samples", options.samples_per_point(), "draws per stratum")->capture_default_str();
  cmd->add_option("--seed", options.seed(), "seed of the draws")->capture_default_str();
  options.batch_size(0);  // auto: app::measurement_options decides from the run's network
  cmd->add_option("--eval-batch", options.batch_size(), "rows per forward pass (0: 2048 for an MLP, 64 for a U-Net)")
      ->capture_default_str();
}

void add_rows_option(CLI::App* cmd, app::RowSet& rows) {
  std::map<std::string, app::RowSet> table;
  for (auto set : {app::RowSet::kAuto, app::RowSet::kHeldOut, app::RowSet::kAll, app::RowSet::kTrained})
    table[app::name(set)] = set;
  cmd->add_option("--measure-on", rows,
                  "which of the run's own rows x0 is drawn from: auto (held-out when the run holds at least " +
                      std::to_string(app::kMinMeasuredRows) + " out, else all) | held-out | all | trained "
                      "(docs/held_out.md)")
      ->transform(CLI::CheckedTransformer(table))
      ->default_str("auto");
}

void add_divergence_options(CLI::App* cmd, std::string& method, DivergenceOptions& probes) {
  cmd->add_option("--divergence", method, "auto (exact up to D = 64) | exact | hutchinson")
      ->check(CLI::IsMember({"auto", "exact", "hutchinson"}))
      ->capture_default_str();
  cmd->add_option("--probes", probes.probes(), "Hutchinson probes per sample")->capture_default_str();
  cmd->add_option("--probe", probes.probe(), "Hutchinson probe law: rademacher | gaussian")
      ->check(CLI::IsMember(probe_names()))
      ->capture_default_str();
}

std::vector<CLI::Option*> NetworkFlags::add(CLI::App* cmd) {
  auto& c = choice;
  width_opt = cmd->add_option("--width", width, "MLP: hidden width; U-Net: channels of the first level (default: the preset's)")
                  ->capture_default_str();
  depth_opt = cmd->add_option("--depth", depth, "MLP: hidden layers; U-Net: residual blocks per level (default: the preset's)")
                  ->capture_default_str();
  return {cmd->add_option("--arch", c.arch, "network: mlp | unet (images)")->capture_default_str(), width_opt, depth_opt,
          cmd->add_option("--preset", c.preset, "U-Net preset: tiny (CI) | small (2 CPU cores, ~1 h) | paper (GPU)")
              ->check(CLI::IsMember(unet_presets()))
              ->capture_default_str(),
          cmd->add_option("--image-shape", c.image_shape, "U-Net: C H W (default: from the data's spec)")->expected(3),
          cmd->add_option("--mults", c.mults, "U-Net: channel multiplier per level (default: the preset's)"),
          cmd->add_option("--attention", c.attention, "U-Net: self-attention at levels of side <= this (default: the preset's)"),
          cmd->add_option("--dropout", c.dropout, "U-Net: dropout in residual blocks (default: the preset's)"),
          cmd->add_flag("--zero-labels", c.zero_labels,
                        "U-Net with --labels: label embeddings start at 0, as the null label (MINDE's null gap shrinks; "
                        "labels are learned more slowly)"),
          cmd->add_flag("--label-gate", c.label_gate,
                        "U-Net with --labels: a learned gate g(s) on the label embeddings, so labels can be switched "
                        "off at small s")};
}

app::NetworkChoice NetworkFlags::get() const {
  auto c = choice;
  if (width_opt->count() > 0) c.width = width;
  if (depth_opt->count() > 0) c.depth = depth;
  return c;
}

std::vector<std::string> given(const std::vector<CLI::Option*>& options) {
  std::vector<std::string> names;
  for (const auto* o : options)
    if (o->count() > 0) names.push_back(o->get_name());
  return names;
}

}  // namespace diffinfo::cli
