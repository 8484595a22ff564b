#include "diffinfo/app/inputs.h"

#include "diffinfo/data/matrix.h"
#include "diffinfo/io/files.h"

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
  try {
    return nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::parse_error&) {
    throw std::runtime_error(path + ": not valid JSON (expected a spec written by 'diffinfo data')");
  }
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

nlohmann::json MeasuredModel::training() const {
  const auto c = config.to_json();
  return {{"objective", c["objective"]}, {"model", c["model"]}, {"train", c["train"]}};
}

MeasuredModel load_model(const ModelSource& source, const torch::Device& device) {
  auto run = load_run(source.run, device);
  return {source.run, std::move(run.config), run.step, std::move(run.process), std::move(run.model)};
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

DataRows load_data(const MeasuredModel& m, const std::string& data) {
  const std::string path = data.empty() ? m.config.data_path : data;
  auto x = load_matrix(path);
  if (x.size(1) != m.config.data_columns())
    throw std::runtime_error(path + ": has " + std::to_string(x.size(1)) + " columns, the run in " + m.name +
                             " was trained on " + std::to_string(m.config.data_columns()));
  return {x, path};
}

torch::Tensor load_condition(const MeasuredModel& m, const std::string& cond, const std::string& labels) {
  const auto& config = m.config;
  if (!config.conditional())
    throw std::runtime_error(m.name + ": the run was trained without conditioning (train it with --cond Y.npy or "
                             "--labels L.npy)");
  if (config.cond_kind == CondKind::kCoordinates) require_model_of_x(m);
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
                                          const std::string& labels) {
  ConditionalInputs in;
  in.cond = load_condition(m, cond, labels);
  in.cond_path = !cond.empty() ? cond : !labels.empty() ? labels : m.config.cond_path;
  auto rows = load_data(m, data);
  in.x = rows.x, in.x_path = rows.path;
  if (in.cond.size(0) != in.x.size(0))
    throw std::runtime_error(in.cond_path + ": expected " + std::to_string(in.x.size(0)) + " rows (one per row of " +
                             in.x_path + "), got " + std::to_string(in.cond.size(0)));
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
