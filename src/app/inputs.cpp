#include "diffinfo/app/inputs.h"

#include "diffinfo/cpu.h"
#include "diffinfo/data/image_spec.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/io/files.h"
#include "diffinfo/io/json_file.h"
#include "diffinfo/model/network.h"
#include "diffinfo/model/torchscript.h"
#include "diffinfo/names.h"
#include "diffinfo/processes/discrete.h"
#include "diffinfo/train/holdout.h"

#include <filesystem>
#include <tuple>

namespace diffinfo::app {

torch::Device device_from_name(const std::string& name) {
  if (name != "cpu" && name.rfind("cuda", 0) != 0)
    throw std::runtime_error("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
  torch::Device device(name);
  if (device.is_cuda() && !torch::cuda::is_available())
    throw std::runtime_error("--device " + name + ": no CUDA device is available to this LibTorch build");
  return device;
}

nlohmann::json read_spec(const std::string& path) {
  return read_json(path, "a spec written by 'diffinfo data'");
}

ResidualFn MeasuredModel::residual() const {
  auto net = network;
  return [net](const torch::Tensor& x, const torch::Tensor& s) { return net->residual(x, s); };
}

ConditionalResidualFn MeasuredModel::conditional_residual() const {
  auto net = network;
  return [net](const torch::Tensor& x, const torch::Tensor& s, const Condition& c) { return net->residual(x, s, c); };
}

ConditionalScoreFn MeasuredModel::conditional_score() const {
  auto net = network;
  return [net](const torch::Tensor& x, const torch::Tensor& s, const Condition& c) { return net->score(x, s, c); };
}

ScoreFn MeasuredModel::score() const {
  auto net = network;
  return [net](const torch::Tensor& x, const torch::Tensor& s) {
    return net->score(x.to(torch::kFloat32), s.to(torch::kFloat32)).to(x.scalar_type());
  };
}

std::string MeasuredModel::output_file(const std::string& file) const {
  if (!card) return run_file(name, file);
  return std::filesystem::path(name).replace_extension("").string() + "." + file;
}

nlohmann::json MeasuredModel::training() const {
  if (card) return {{"card", card->to_json()}, {"source", name}};
  const auto c = config.to_json();
  return {{"objective", c["objective"]}, {"model", c["model"]}, {"train", c["train"]}};
}

namespace {

// The card of a TorchScript model: the flags over the scheduler config over the card file.
ModelCard complete_card(const ModelSource& source, const std::string& data) {
  const auto& path = source.model;
  auto card_path = source.card;
  const auto beside = std::filesystem::path(path).replace_extension(".json").string();
  if (card_path.empty() && file_exists(beside)) card_path = beside;
  ModelCard card = card_path.empty() ? source.base : read_card(card_path).over(source.base);
  if (!source.scheduler_config.empty()) card = read_scheduler_config(source.scheduler_config).over(card);
  card = source.flags.over(card);
  if (card.process.is_null())
    throw std::runtime_error(path + ": say which process the model was trained under: --process and its flags, "
                             "--scheduler-config FILE.json, or \"process\" or \"scheduler\" in its card (" +
                             (card_path.empty() ? beside + ", absent" : card_path) + ")");
  if (!card.time_input) card.time_input = card.process["name"] == "ddpm" ? TimeInput::kIndex : TimeInput::kS;
  if (card.shape.empty() && !data.empty()) card.shape = {load_matrix(data).size(1)};
  return card;
}

MeasuredModel load_torchscript(const ModelSource& source, const torch::Device& device, const std::string& data) {
  const auto card = complete_card(source, data);
  std::shared_ptr<const ForwardProcess> process;
  try {
    process = process_from_config(card.process);
  } catch (const c10::Error& e) {
    throw std::runtime_error(source.model + ": its process: " + e.what_without_backtrace());
  }
  auto network = std::make_shared<TorchScriptModel>(source.model, card, process, device);
  RunConfig config;
  config.process = process->config();
  int64_t dim = 1;
  for (auto n : card.shape) dim *= n;
  config.model = NetworkOptions(dim).arch("torchscript").classes(card.classes).cond_dim(card.cond_dim);
  if (card.shape.size() == 3) config.model.image_shape(card.shape);
  config.output = name(*card.prediction);
  config.cond_kind = card.condition.value_or(CondKind::kNone);
  return {source.model, std::move(config), 0, std::move(process), std::move(network), card};
}

}  // namespace

MeasuredModel load_model(const ModelSource& source, const torch::Device& device, const std::string& data) {
  if (source.run.empty() == source.model.empty())
    throw std::runtime_error(source.run.empty() ? "give the model to measure: --run RUN or --model FILE.pt"
                                                : "give --run RUN or --model FILE.pt, not both");
  if (!source.run.empty() && (!source.flags.empty() || !source.card.empty() || !source.scheduler_config.empty()))
    throw std::runtime_error("the model-card flags describe a TorchScript model (--model FILE.pt), not a run");
  auto m = [&]() -> MeasuredModel {
    if (!source.model.empty()) return load_torchscript(source, device, data);
    auto run = load_run(source.run, device);
    return {source.run, std::move(run.config), run.step, std::move(run.process), std::move(run.model), std::nullopt};
  }();
  if (device.is_cpu()) choose_cpu_threads(image_network(m.config.model));
  return m;
}

ModelCard unconditional_card(const ModelCard& card) {
  auto c = card;
  c.condition = CondKind::kNone;
  c.classes = c.cond_dim = 0;
  c.null_label.reset();
  return c;
}

ModelSource unconditional_source(const ModelSource& main, const std::string& file) {
  ModelSource s;
  s.model = file;
  s.scheduler_config = main.scheduler_config;
  s.flags = unconditional_card(main.flags);
  return s;
}

void require_model_of_x(const MeasuredModel& m) {
  if (m.config.cond_kind == CondKind::kJoint)
    throw std::runtime_error(m.name + ": holds a joint model of Z = [X, Y] (train --joint); measure it with 'diffinfo mi'");
  if (m.config.cond_kind == CondKind::kCoordinates)
    throw std::runtime_error(m.name + ": holds per-coordinate marginal models (train --marginals); use them with 'diffinfo tc'");
}

void require_unconditional(const MeasuredModel& m) {
  require_model_of_x(m);
  if (m.config.conditional())
    throw std::runtime_error(m.name + ": the run is conditional (" + name(m.config.cond_kind) +
                             "); the likelihood commands measure p(x) of a run trained without --cond or --labels");
}

namespace {

const std::vector<std::string>& row_set_names() {
  static const std::vector<std::string> names = {"auto", "held-out", "all", "trained"};
  return names;
}

}  // namespace

RowSet row_set_from_name(const std::string& n) {
  const auto& names = row_set_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == n) return static_cast<RowSet>(i);
  throw std::invalid_argument(unknown_name("--measure-on", n, names));
}

std::string name(RowSet rows) { return row_set_names().at(static_cast<size_t>(rows)); }

nlohmann::json RowSelection::to_json() const {
  nlohmann::json j = {{"set", set}, {"count", count}, {"of", of}};
  if (!note.empty()) j["note"] = note;
  return j;
}

RowSelection select_rows(const MeasuredModel& m, bool other_file, RowSet requested) {
  RowSelection s;
  if (other_file || m.card) {
    if (requested == RowSet::kHeldOut || requested == RowSet::kTrained)
      throw std::runtime_error("--measure-on " + name(requested) + " picks rows of the run's own data: it takes no --data");
    s.set = "file";
    return s;
  }
  const auto split = run_holdout(m.name, m.config);
  if (!split) {
    if (requested == RowSet::kHeldOut || requested == RowSet::kTrained)
      throw std::runtime_error(m.name + ": the run holds no row out of training (--holdout 0, or a run from before "
                               "held-out runs): measure it on all rows (--measure-on all) or on other rows (--data)");
    if (requested == RowSet::kAuto)
      s.note = "the run holds no row out of training: measured on the rows it was trained on (in-sample)";
    return s;
  }
  const int64_t held = split->held_out.size(0);
  if (requested == RowSet::kAll) return s;
  if (requested == RowSet::kTrained) {
    s.set = "trained", s.rows = split->trained;
    return s;
  }
  if (requested == RowSet::kAuto && held < kMinMeasuredRows) {
    s.note = "only " + std::to_string(held) + " rows held out (fewer than " + std::to_string(kMinMeasuredRows) +
             "): measured on all rows, the " + std::to_string(split->trained.size(0)) +
             " trained on included (--measure-on held-out insists)";
    return s;
  }
  s.set = "held-out", s.rows = split->held_out, s.in_sample = split->trained;
  return s;
}

namespace {

// The rows of `x` (read from `path`) that `s` names; counts filled in.
torch::Tensor selected(const torch::Tensor& x, RowSelection& s, const MeasuredModel& m, const std::string& path) {
  s.of = x.size(0);
  if (s.rows.defined() && x.size(0) != m.config.data_rows)
    throw std::runtime_error(path + ": has " + std::to_string(x.size(0)) + " rows, the run in " + m.name + " was trained on " +
                             std::to_string(m.config.data_rows) + " (its held-out rows index them): pass --data and "
                             "--measure-on all to measure on other rows");
  auto out = s.rows.defined() ? x.index_select(0, s.rows.to(x.device())) : x;
  s.count = out.size(0);
  return out;
}

}  // namespace

DataRows load_data(const MeasuredModel& m, const std::string& data, RowSet rows) {
  auto all = load_file_rows(m, data);
  auto s = select_rows(m, !data.empty(), rows);
  DataRows out;
  out.x = selected(all.x, s, m, all.path);
  if (s.in_sample.defined()) out.in_sample = all.x.index_select(0, s.in_sample);
  out.path = all.path, out.selection = std::move(s), out.all = all.x;
  return out;
}

DataRows load_file_rows(const MeasuredModel& m, const std::string& data) {
  if (data.empty() && m.card)
    throw std::runtime_error(m.name + ": --data X.npy is required with --model (a TorchScript model has no data of its own)");
  const std::string path = data.empty() ? m.config.data_path : data;
  // The run's own data, named with the configuration that names them (--data X.npy points elsewhere).
  auto x = data.empty() && !m.card ? in_file(run_file(m.name, "config.json"), [&] { return load_matrix(path); })
                                   : load_matrix(path);
  if (x.size(1) != m.config.data_columns())
    throw std::runtime_error(path + ": has " + std::to_string(x.size(1)) + " columns, the " +
                             (m.card ? "model " + m.name + " takes " : "run in " + m.name + " was trained on ") +
                             std::to_string(m.config.data_columns()));
  if (m.card && m.card->data_range.size() == 2) {
    const auto spec = image_spec(path);
    const auto& r = m.card->data_range;
    if (spec && (spec->low != r[0] || spec->high != r[1]))
      throw std::runtime_error(path + ": its pixels lie in [" + std::to_string(spec->low) + ", " + std::to_string(spec->high) +
                               "] (" + spec->path + "), the model " + m.name + " expects [" + std::to_string(r[0]) + ", " +
                               std::to_string(r[1]) + "] (its card's data_range); write the images with that range");
  }
  return {x, path, {}, {}, x};
}

torch::Tensor load_condition(const MeasuredModel& m, const std::string& cond, const std::string& labels) {
  const auto& config = m.config;
  if (!config.conditional())
    throw std::runtime_error(m.name + ": the run was trained without conditioning (train it with --cond Y.npy or "
                             "--labels L.npy)");
  if (config.cond_kind == CondKind::kCoordinates) require_model_of_x(m);
  if (m.card && cond.empty() && labels.empty())
    throw std::runtime_error(m.name + ": a TorchScript model has no condition rows of its own; pass --labels L.npy or --cond Y.npy");
  if (config.cond_kind == CondKind::kVector && !labels.empty())
    throw std::runtime_error(m.name + ": the run conditions on vectors; pass --cond, not --labels");
  if (config.cond_kind == CondKind::kLabels && !cond.empty())
    throw std::runtime_error(m.name + ": the run conditions on labels; pass --labels, not --cond");
  if (config.cond_kind == CondKind::kJoint && !labels.empty())
    throw std::runtime_error(m.name + ": the run models Z = [X, Y] with vectors Y; pass --cond, not --labels");
  if (config.cond_kind == CondKind::kLabels)
    return load_labels(labels.empty() ? config.cond_path : labels, config.model.classes());
  const auto path = cond.empty() ? config.cond_path : cond;
  auto y = load_matrix(path);
  const int64_t width = config.cond_kind == CondKind::kJoint ? config.model.dim() - config.joint_split : config.model.cond_dim();
  if (y.size(1) != width)
    throw std::runtime_error(path + ": expected " + std::to_string(width) + " columns (the run's width of Y), got " +
                             std::to_string(y.size(1)));
  return y;
}

ConditionalInputs load_conditional_inputs(const MeasuredModel& m, const std::string& data, const std::string& cond,
                                          const std::string& labels, RowSet rows) {
  ConditionalInputs in;
  in.cond = load_condition(m, cond, labels);
  in.cond_path = !cond.empty() ? cond : !labels.empty() ? labels : m.config.cond_path;
  auto all = load_file_rows(m, data);
  in.x_path = all.path;
  if (in.cond.size(0) != all.x.size(0))
    throw std::runtime_error(in.cond_path + ": expected " + std::to_string(all.x.size(0)) + " rows (one per row of " +
                             in.x_path + "), got " + std::to_string(in.cond.size(0)));
  // The run's own pairs are selected together; a file given for either side makes them another set.
  in.selection = select_rows(m, !data.empty() || !cond.empty() || !labels.empty(), rows);
  const auto cond_all = in.cond;
  in.x = selected(all.x, in.selection, m, in.x_path);
  if (in.selection.rows.defined()) in.cond = cond_all.index_select(0, in.selection.rows.to(cond_all.device()));
  if (in.selection.in_sample.defined()) {
    in.in_sample_x = all.x.index_select(0, in.selection.in_sample);
    in.in_sample_cond = cond_all.index_select(0, in.selection.in_sample.to(cond_all.device()));
  }
  return in;
}

torch::Tensor class_prior(const torch::Tensor& labels, int64_t classes, const std::string& labels_path) {
  const auto counts = torch::bincount(labels.to(torch::kCPU), {}, classes).to(torch::kFloat64);
  for (int64_t c = 0; c < classes; ++c)
    if (counts[c].item<double>() == 0)
      throw std::runtime_error(labels_path + ": class " + std::to_string(c) + " never occurs; the prior P(C) needs every class");
  return counts / counts.sum();
}

}  // namespace diffinfo::app
