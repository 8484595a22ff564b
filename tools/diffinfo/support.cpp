#include "commands.h"

#include "diffinfo/measure/divergence.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace diffinfo::cli {

void print(const app::Report& report, bool json) {
  for (const auto& w : report.warnings) std::cerr << w << "\n";
  std::cout << (json ? report.json.dump(2) + "\n" : report.text) << std::flush;
}

void add_measure_options(CLI::App* cmd, std::string& device, EntropyOptions& options) {
  cmd->add_option("--device", device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--points", options.points(), "strata on the time axis")->capture_default_str();
  cmd->add_option("--samples", options.samples_per_point(), "draws per stratum")->capture_default_str();
  cmd->add_option("--seed", options.seed(), "seed of the draws")->capture_default_str();
  options.batch_size(0);  // auto: app::measurement_options decides from the run's network
  cmd->add_option("--eval-batch", options.batch_size(), "rows per forward pass (0: 8192 for an MLP, 64 for a U-Net)")
      ->capture_default_str();
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

void ModelFlags::add(CLI::App* cmd, const std::string& run_help, bool image_shape) {
  auto* run = cmd->add_option("--run", source.run, run_help);
  cmd->add_option("--model", source.model,
                  "or a TorchScript model FILE.pt, forward(x, t) or forward(x, t, y), trained elsewhere (docs/own_models.md)")
      ->excludes(run);
  const std::string group = "Model card (with --model; flags win over FILE.json beside it)";
  cmd->add_option("--card", source.card, "the model's card JSON (default: FILE.json beside FILE.pt)")->group(group);
  cmd->add_option("--prediction-type", prediction, "what the model returns: epsilon | sample | v_prediction | score | entropy")
      ->check(CLI::IsMember(prediction_names()))
      ->group(group);
  cmd->add_option("--time-input", time_input, "what its t is: s | index (a discrete schedule's timestep) | sigma")
      ->check(CLI::IsMember(time_input_names()))
      ->group(group);
  auto* sch = cmd->add_option("--scheduler-config", source.scheduler_config,
                              "a diffusers scheduler config JSON (num_train_timesteps, beta_*; docs/math.md §11)")
                  ->group(group);
  process_opt = cmd->add_option("--process", process, "or the process it was trained under: vp | vpx | sl | ve")
                    ->check(CLI::IsMember(process_names()))
                    ->excludes(sch)
                    ->group(group);
  process_params = {
      cmd->add_option("--beta-min", proc.beta_min(), "VP/VPx: beta at s = 0")->group(group),
      cmd->add_option("--beta-max", proc.beta_max(), "VP/VPx: beta at s = 1")->group(group),
      cmd->add_option("--kappa", proc.kappa(), "VPx: equilibrium std kappa")->group(group),
      cmd->add_option("--sigma0", proc.sigma0(), "SL: equilibrium std Sigma0")->group(group),
      cmd->add_option("--sigma-min", proc.sigma_min(), "VE: smallest noise scale")->group(group),
      cmd->add_option("--sigma-max", proc.sigma_max(), "VE: largest noise scale")->group(group)};
  if (image_shape) cmd->add_option("--image-shape", shape, "C H W of the model's x (default: the card's, or [B, D])")->expected(3)->group(group);
  cmd->add_option("--classes", classes, "label-conditioned model: the label count K")->group(group);
  null_opt = cmd->add_option("--null-label", null_label, "label-conditioned model: the label that asks for p(x) (e.g. K or -1)")
                 ->group(group);
}

app::ModelSource ModelFlags::get(const std::vector<int64_t>& image_shape) const {
  auto s = source;
  auto& f = s.flags;
  // The flags' values were checked against these names when they were parsed.
  auto index = [](const std::vector<std::string>& names, const std::string& v) {
    return std::find(names.begin(), names.end(), v) - names.begin();
  };
  if (!prediction.empty()) f.prediction = static_cast<Prediction>(index(prediction_names(), prediction));
  if (!time_input.empty()) f.time_input = static_cast<TimeInput>(index(time_input_names(), time_input));
  const auto params = given(process_params);
  if (!params.empty() && process_opt->count() == 0)
    throw std::runtime_error(params.front() + " describes a process: give --process with it");
  if (process_opt->count() > 0) f.process = make_process(process, proc)->config();
  f.shape = !shape.empty() ? shape : image_shape;
  if (classes > 0) f.classes = classes, f.condition = CondKind::kLabels;
  if (null_opt->count() > 0) f.null_label = null_label;
  const bool card_flags = !prediction.empty() || !time_input.empty() || !s.card.empty() || !s.scheduler_config.empty() ||
                          process_opt->count() > 0 || !shape.empty() || classes > 0 || null_opt->count() > 0;
  if (card_flags && s.model.empty() && !s.run.empty())
    throw std::runtime_error("the model-card flags describe a TorchScript model (--model FILE.pt), not a run");
  return s;
}

std::vector<CLI::Option*> NetworkFlags::add(CLI::App* cmd) {
  auto& c = choice;
  width_opt = cmd->add_option("--width", width, "MLP: hidden width; U-Net: channels of the first level (default: the preset's)")
                  ->capture_default_str();
  depth_opt = cmd->add_option("--depth", depth, "MLP: hidden layers; U-Net: residual blocks per level (default: the preset's)")
                  ->capture_default_str();
  return {cmd->add_option("--arch", c.arch, "network: mlp | unet (images)")->capture_default_str(), width_opt, depth_opt,
          cmd->add_option("--preset", c.preset, "U-Net preset: tiny (CI) | small (2 CPU cores, ~1 h) | paper (GPU)")
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

TrainCallbacks ProgressBar::start(const std::string& label) {
  finish();
  label_ = label;
  first_step_ = -1;
  start_ = last_ = std::chrono::steady_clock::now();
  TrainCallbacks callbacks;
  if (::isatty(STDERR_FILENO)) callbacks.progress = [this](int64_t s, int64_t n, double loss) { update(s, n, loss); };
  return callbacks;
}

void ProgressBar::update(int64_t step, int64_t total, double loss) {
  if (first_step_ < 0) first_step_ = step - 1;
  const auto now = std::chrono::steady_clock::now();
  if (step != total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? double(step - first_step_) / secs : 0.0;
  const int width = 30;
  const int filled = static_cast<int>(width * double(step) / double(total));
  std::string bar(filled, '#');
  bar.append(width - filled, '.');
  std::fprintf(stderr, "\r%s [%s] %lld/%lld  loss %s  %.0f steps/s ", label_.c_str(), bar.c_str(),
               static_cast<long long>(step), static_cast<long long>(total),
               std::isfinite(loss) ? std::to_string(loss).c_str() : "-", rate);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

app::Progress progress(const std::shared_ptr<ProgressBar>& bar, bool json) {
  app::Progress p;
  p.training = [bar](const std::string& label) { return bar->start(label); };
  if (!json) p.line = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
  return p;
}

}  // namespace diffinfo::cli
