#include "commands.h"

#include "diffinfo/data/matrix.h"
#include "diffinfo/info/knn_entropy.h"
#include "diffinfo/io/files.h"
#include "diffinfo/names.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <tuple>

namespace diffinfo::cli {

torch::Device parse_device(const std::string& name) {
  if (name != "cpu" && name.rfind("cuda", 0) != 0)
    throw std::runtime_error("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
  torch::Device device(name);
  if (device.is_cuda() && !torch::cuda::is_available())
    throw std::runtime_error("--device " + name + ": no CUDA device is available to this LibTorch build");
  return device;
}

void add_measure_options(CLI::App* cmd, std::string& device, EntropyOptions& options) {
  cmd->add_option("--device", device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--points", options.points(), "strata on the time axis")->capture_default_str();
  cmd->add_option("--samples", options.samples_per_point(), "draws per stratum")->capture_default_str();
  cmd->add_option("--seed", options.seed(), "seed of the draws")->capture_default_str();
  options.batch_size(0);  // auto: resolved by measure_options from the run's network
  cmd->add_option("--eval-batch", options.batch_size(), "rows per forward pass (0: 8192 for an MLP, 64 for a U-Net)")
      ->capture_default_str();
}

EntropyOptions measure_options(EntropyOptions options, const RunConfig& config) {
  // A U-Net's activations are ~100× an MLP's per row; on a CPU, 64 rows per pass run 1.7× faster than 256
  // and 3.5× faster than 1024 (BM_UNetMeasure), as they stay in cache. On a GPU, pass a larger --eval-batch.
  if (options.batch_size() <= 0) options.batch_size(config.model.arch() == "unet" ? 64 : EntropyOptions().batch_size());
  return options.time_sampling(config.objective.time_sampling()).s_min(config.objective.s_min());
}

nlohmann::json read_spec(const std::string& path) {
  try {
    return nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::parse_error&) {
    throw std::runtime_error(path + ": not valid JSON (expected a spec written by 'diffinfo data')");
  }
}

torch::Tensor class_prior(const torch::Tensor& labels, int64_t classes, const std::string& labels_path) {
  const auto counts = torch::bincount(labels.to(torch::kCPU), {}, classes).to(torch::kFloat64);
  for (int64_t c = 0; c < classes; ++c)
    if (counts[c].item<double>() == 0)
      throw std::runtime_error(labels_path + ": class " + std::to_string(c) + " never occurs; the prior P(C) needs every class");
  return counts / counts.sum();
}

torch::Tensor load_condition(const RunConfig& config, const std::string& run_dir, const std::string& cond,
                             const std::string& labels) {
  if (!config.conditional())
    throw std::runtime_error(run_dir + ": the run was trained without conditioning (train it with --cond Y.npy or "
                             "--labels L.npy)");
  if (config.cond_kind == "coordinates") require_model_of_x(config, run_dir);
  if (config.cond_kind == "vector" && !labels.empty())
    throw std::runtime_error(run_dir + ": the run conditions on vectors; pass --cond, not --labels");
  if (config.cond_kind == "labels" && !cond.empty())
    throw std::runtime_error(run_dir + ": the run conditions on labels; pass --labels, not --cond");
  if (config.cond_kind == "joint" && !labels.empty())
    throw std::runtime_error(run_dir + ": the run models Z = [X, Y] with vectors Y; pass --cond, not --labels");
  if (config.cond_kind == "labels") return load_labels(labels.empty() ? config.cond_path : labels, config.model.classes());
  const auto path = cond.empty() ? config.cond_path : cond;
  auto y = load_matrix(path);
  const int64_t width = config.cond_kind == "joint" ? config.model.dim() - config.joint_split : config.model.cond_dim();
  if (y.size(1) != width)
    throw std::runtime_error(path + ": expected " + std::to_string(width) + " columns (the run's width of Y), got " +
                             std::to_string(y.size(1)));
  return y;
}

std::pair<torch::Tensor, std::string> load_run_data(const RunConfig& config, const std::string& run_dir,
                                                    const std::string& data) {
  const std::string path = data.empty() ? config.data_path : data;
  auto x = load_matrix(path);
  if (x.size(1) != config.data_columns())
    throw std::runtime_error(path + ": has " + std::to_string(x.size(1)) + " columns, the run in " + run_dir +
                             " was trained on " + std::to_string(config.data_columns()));
  return {x, path};
}

void require_model_of_x(const RunConfig& config, const std::string& run_dir) {
  if (config.cond_kind == "joint")
    throw std::runtime_error(run_dir + ": holds a joint model of Z = [X, Y] (train --joint); measure it with 'diffinfo mi'");
  if (config.cond_kind == "coordinates")
    throw std::runtime_error(run_dir + ": holds per-coordinate marginal models (train --marginals); use them with 'diffinfo tc'");
}

ConditionalInputs load_conditional_inputs(const RunConfig& config, const std::string& run_dir, const std::string& data,
                                          const std::string& cond, const std::string& labels) {
  ConditionalInputs in;
  in.cond = load_condition(config, run_dir, cond, labels);
  in.cond_path = !cond.empty() ? cond : !labels.empty() ? labels : config.cond_path;
  std::tie(in.x, in.x_path) = load_run_data(config, run_dir, data);
  if (in.cond.size(0) != in.x.size(0))
    throw std::runtime_error(in.cond_path + ": expected " + std::to_string(in.x.size(0)) + " rows (one per row of " +
                             in.x_path + "), got " + std::to_string(in.cond.size(0)));
  return in;
}

TrainResult train_or_resume(RunConfig config, const TrainData& data, const std::string& dir, const torch::Device& device,
                            const std::string& label) {
  config.data_rows = data.x.size(0);
  config.data_var = std::max(data.x.var(0).mean().item<double>(), 1e-12);  // a collapsed DAE latent is constant
  ProgressBar bar(label);
  TrainCallbacks callbacks;
  callbacks.progress = [&bar](int64_t s, int64_t n, double loss) { bar.update(s, n, loss); };
  auto result = train(config, data, dir, file_exists(run_file(dir, "checkpoint.pt")), device, callbacks);
  bar.finish();
  return result;
}

std::vector<CLI::Option*> NetworkArgs::add(CLI::App* cmd) {
  width_opt = cmd->add_option("--width", mlp.width(), "MLP: hidden width; U-Net: channels of the first level (default: the preset's)")
                  ->capture_default_str();
  depth_opt = cmd->add_option("--depth", mlp.depth(), "MLP: hidden layers; U-Net: residual blocks per level (default: the preset's)")
                  ->capture_default_str();
  return {cmd->add_option("--arch", arch, "network: mlp | unet (images)")->capture_default_str(), width_opt, depth_opt,
          cmd->add_option("--preset", preset, "U-Net preset: tiny (CI) | small (2 CPU cores, ~1 h) | paper (GPU)")
              ->capture_default_str(),
          cmd->add_option("--image-shape", image_shape, "U-Net: C H W (default: from the data's spec)")->expected(3),
          cmd->add_option("--mults", mults, "U-Net: channel multiplier per level (default: the preset's)"),
          cmd->add_option("--attention", attention, "U-Net: self-attention at levels of side <= this (default: the preset's)"),
          cmd->add_option("--dropout", dropout, "U-Net: dropout in residual blocks (default: the preset's)"),
          cmd->add_flag("--zero-labels", zero_labels,
                        "U-Net with --labels: label embeddings start at 0, as the null label (MINDE's null gap shrinks; "
                        "labels are learned more slowly)"),
          cmd->add_flag("--label-gate", label_gate,
                        "U-Net with --labels: a learned gate g(s) on the label embeddings, so labels can be switched "
                        "off at small s")};
}

NetworkOptions NetworkArgs::options(const std::string& data_path, int64_t columns, bool labelled) const {
  if (arch == "mlp") {
    if (!image_shape.empty() || !mults.empty() || attention >= 0 || dropout >= 0 || zero_labels || label_gate)
      throw std::runtime_error(
          "--image-shape, --mults, --attention, --dropout, --zero-labels and --label-gate belong to --arch unet");
    return NetworkOptions(columns).width(mlp.width()).depth(mlp.depth()).fourier(mlp.fourier());
  }
  if (arch != "unet") throw std::runtime_error(unknown_name("--arch", arch, network_arches()));
  const std::string needs_labels = ": it needs --labels, and only train learns label embeddings (not scaling or dae)";
  if (zero_labels && !labelled) throw std::runtime_error("--zero-labels sets where labels start" + needs_labels);
  if (label_gate && !labelled) throw std::runtime_error("--label-gate gates the label embeddings" + needs_labels);
  auto o = unet_preset(preset, image_layout(data_path, image_shape, columns, data_path).shape);
  if (width_opt && width_opt->count() > 0) o.width(mlp.width());
  if (depth_opt && depth_opt->count() > 0) o.depth(mlp.depth());
  if (!mults.empty()) o.mults(mults);
  if (attention >= 0) o.attention(attention);
  if (dropout >= 0) o.dropout(dropout);
  o.zero_labels(zero_labels);
  make_network(o);  // checks the combination now, before any training starts
  return o.label_gate(label_gate);  // a gate needs the labels, which the caller adds (and checks for)
}

std::string sibling(const std::string& data_path, const std::string& suffix) {
  return (ends_with(data_path, ".npy") ? data_path.substr(0, data_path.size() - 4) : data_path) + suffix;
}

std::optional<ImageSpec> image_spec(const std::string& data_path) {
  const auto path = sibling(data_path, ".spec.json");
  if (!file_exists(path)) return std::nullopt;
  const auto spec = read_spec(path);
  if (spec.value("type", "") != "images") return std::nullopt;
  const auto malformed = [&path] {
    return std::runtime_error(path + ": not an image spec (expected image_shape [C, H, W] and scaling {range [LOW, HIGH], "
                                     "levels >= 2}, as 'diffinfo images' writes)");
  };
  ImageSpec s;
  s.path = path;
  try {
    s.shape = spec.at("image_shape").get<std::vector<int64_t>>();
    const auto& scaling = spec.at("scaling");
    s.low = scaling.at("range").at(0).get<double>(), s.high = scaling.at("range").at(1).get<double>();
    s.levels = scaling.at("levels").get<int64_t>();
  } catch (const nlohmann::json::exception&) {
    throw malformed();
  }
  if (s.shape.size() != 3 || !(s.high > s.low) || s.levels < 2) throw malformed();
  return s;
}

ImageLayout image_layout(const std::string& data_path, std::vector<int64_t> shape, int64_t columns, const std::string& what) {
  ImageLayout l;
  if (const auto spec = image_spec(data_path)) {
    if (shape.empty()) shape = spec->shape;
    l.low = spec->low, l.high = spec->high;
  }
  if (shape.size() != 3 || shape[0] * shape[1] * shape[2] != columns)
    throw std::runtime_error(what + ": the " + std::to_string(columns) + " columns of a row are not an image of shape " +
                             (shape.size() == 3 ? std::to_string(shape[0]) + "x" + std::to_string(shape[1]) + "x" +
                                                      std::to_string(shape[2])
                                                : std::string("(none: pass --image-shape C H W)")));
  l.shape = shape;
  return l;
}

ScoreFn run_score(const LoadedRun& run) {
  auto model = run.model;
  return [model](const torch::Tensor& x, const torch::Tensor& s) {
    return model->score(x.to(torch::kFloat32), s.to(torch::kFloat32)).to(x.scalar_type());
  };
}

void require_unconditional(const RunConfig& config, const std::string& run_dir) {
  require_model_of_x(config, run_dir);
  if (config.conditional())
    throw std::runtime_error(run_dir + ": the run is conditional (" + config.cond_kind +
                             "); the likelihood commands measure p(x) of a run trained without --cond or --labels");
}

DataEntropy data_entropy_for(const std::string& spec_path, const torch::Tensor& x, uint64_t seed) {
  if (!spec_path.empty())
    return with_spec(spec_path, [&](const nlohmann::json& spec) {
      auto h = data_entropy(spec, x.size(1), seed);
      h.method += " from " + spec_path;
      return h;
    });
  const int64_t n = std::min<int64_t>(x.size(0), 20000);
  return {knn_entropy(x.slice(0, 0, n), 3),
          "k-NN estimate (Kozachenko-Leonenko, k = 3) on " + std::to_string(n) + " data rows; pass --exact SPEC for a known law"};
}

void DivergenceArgs::add(CLI::App* cmd) {
  cmd->add_option("--divergence", method, "auto (exact up to D = 64) | exact | hutchinson")
      ->check(CLI::IsMember({"auto", "exact", "hutchinson"}))
      ->capture_default_str();
  cmd->add_option("--probes", options.probes(), "Hutchinson probes per sample")->capture_default_str();
  cmd->add_option("--probe", options.probe(), "Hutchinson probe law: rademacher | gaussian")
      ->check(CLI::IsMember(probe_names()))
      ->capture_default_str();
}

DivergenceOptions DivergenceArgs::resolve(int64_t dim) const {
  auto o = options;
  return o.method(method == "auto" ? (dim <= 64 ? "exact" : "hutchinson") : method);
}

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), tty_(::isatty(STDERR_FILENO) != 0) {
  start_ = last_ = std::chrono::steady_clock::now();
}

void ProgressBar::update(int64_t step, int64_t total, double loss) {
  if (!tty_) return;
  if (first_step_ < 0) first_step_ = step - 1;
  const auto now = std::chrono::steady_clock::now();
  if (step != total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
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
  if (tty_) std::fprintf(stderr, "\n");
}

}  // namespace diffinfo::cli
