#include "diffinfo/app/export.h"

#include "diffinfo/data/image_spec.h"
#include "diffinfo/io/files.h"
#include "diffinfo/io/json_tensor.h"
#include "diffinfo/random.h"
#include "diffinfo/model/export.h"
#include "diffinfo/model/model_card.h"
#include "diffinfo/train/run.h"

#include <cmath>
#include <filesystem>

namespace diffinfo::app {
namespace {

// Four evaluations of the network as diffinfo computes them, for whoever loads the export to compare:
// x ~ N(0, data_var), s from 0.01 to 0.9, labels 0, 1, … (mod K).
nlohmann::json check_values(ScoreModel& model, const RunConfig& c) {
  torch::NoGradGuard no_grad;
  auto gen = make_generator(0);
  const auto x = torch::randn({4, c.model.dim()}, gen, torch::kFloat32) * std::sqrt(c.data_var);
  const auto s = torch::tensor({0.01, 0.1, 0.5, 0.9}, torch::kFloat32).unsqueeze(1);
  Condition cond;
  if (c.cond_kind == CondKind::kLabels) cond = Condition(torch::arange(4, torch::kInt64) % c.model.classes());
  const auto out = c.output == "score" ? model.score(x, s, cond) : model.residual(x, s, cond);
  // Shaped as the module takes them: [4, D] or [4, C, H, W].
  std::vector<int64_t> shape = {4};
  if (c.model.image_shape().size() == 3) shape.insert(shape.end(), c.model.image_shape().begin(), c.model.image_shape().end());
  else shape.push_back(c.model.dim());
  nlohmann::json j = {{"x", tensor_to_json(x.reshape(shape))}, {"t", tensor_to_json(s.squeeze(1))},
                      {"output", tensor_to_json(out.reshape(shape))}};
  if (!cond.is_null()) j["y"] = tensor_to_json(cond.value);
  return j;
}

}  // namespace

Report run_export(const ExportRequest& a) {
  if (!ends_with(a.out, ".pt") || a.out.size() < 4) throw std::runtime_error("--out " + a.out + ": expected a .pt file name");
  auto run = load_run(a.run, torch::kCPU);
  const auto& c = run.config;
  if (c.cond_kind == CondKind::kJoint || c.cond_kind == CondKind::kCoordinates)
    throw std::runtime_error(a.run + ": a " + name(c.cond_kind) + " run cannot be exported; export plain or label-conditioned runs");
  ModelCard card;
  card.prediction = c.output == "score" ? Prediction::kScore : Prediction::kEntropy;
  card.time_input = TimeInput::kS;
  card.process = run.process->config();
  card.shape = c.model.image_shape().size() == 3 ? c.model.image_shape() : std::vector<int64_t>{c.model.dim()};
  card.condition = c.cond_kind;
  if (c.cond_kind == CondKind::kLabels) card.classes = c.model.classes(), card.null_label = c.model.classes();
  if (const auto spec = image_spec(c.data_path)) card.data_range = {spec->low, spec->high};
  try {
    export_torchscript(*run.model, a.out);
  } catch (const c10::Error& e) {
    throw std::runtime_error(a.run + ": " + e.what_without_backtrace());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(a.run + ": " + e.what());
  }
  auto j = card.to_json();
  j["check"] = check_values(*run.model, c);
  j["data_var"] = c.data_var;
  j["source"] = {{"run", std::filesystem::absolute(a.run).string()}, {"step", run.step}};
  const auto card_path = std::filesystem::path(a.out).replace_extension(".json").string();
  write_text_atomic(card_path, j.dump(2) + "\n");
  Report r;
  r.json = {{"model", a.out}, {"card", card_path}, {"run", a.run}, {"step", run.step}, {"prediction_type", name(*card.prediction)}};
  r.text = "wrote " + a.out + " (TorchScript, forward(x, t" + (c.cond_kind == CondKind::kLabels ? ", y" : "") +
           ") -> " + name(*card.prediction) + ", t = s) and its card " + card_path + "\n";
  return r;
}

}  // namespace diffinfo::app
