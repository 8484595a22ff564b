#include "diffinfo/train/run.h"

#include "diffinfo/io/files.h"
#include "diffinfo/names.h"
#include "diffinfo/train/checkpoint.h"

#include <filesystem>
#include <stdexcept>

namespace diffinfo {
namespace {

const char* kRunFormat = "diffinfo-run-1";

// config[a][b] with an error naming the file and the field.
const nlohmann::json& field(const nlohmann::json& j, const std::string& section, const std::string& key,
                            const std::string& where) {
  if (!j.contains(section) || !j[section].is_object() || !j[section].contains(key))
    throw std::runtime_error(where + ": missing field '" + section + "." + key + "'");
  return j[section][key];
}

}  // namespace

std::string run_file(const std::string& run_dir, const std::string& name) {
  return (std::filesystem::path(run_dir) / name).string();
}

nlohmann::json RunConfig::to_json() const {
  const auto& t = train;
  nlohmann::json j = {{"format", kRunFormat},
          {"process", process},
          {"model", network_to_json(model)},
          {"objective",
           {{"weighting", objective.weighting()}, {"time_sampling", objective.time_sampling()}, {"s_min", objective.s_min()},
            {"p_uncond", conditional() ? objective.p_uncond() : 0.0}}},
          {"train",
           {{"steps", t.steps()}, {"batch_size", t.batch_size()}, {"lr", t.lr()}, {"warmup", t.warmup()},
            {"lr_final", t.lr_final()}, {"ema_decay", t.ema_decay()}, {"seed", t.seed()},
            {"checkpoint_every", t.checkpoint_every()}, {"log_every", t.log_every()}}},
          {"data", {{"path", data_path}, {"rows", data_rows}, {"dim", model.dim()}, {"var", data_var}}},
          {"cond", {{"kind", name(cond_kind)}, {"path", cond_path}, {"var", cond_var}}}};
  j["model"]["output"] = output;
  if (joint_split > 0) j["model"]["joint_split"] = joint_split;  // absent otherwise: older checkpoints stay loadable
  if (t.label_lr() != 1.0) j["train"]["label_lr"] = t.label_lr();  // likewise
  if (objective.null_consistency() != 0.0) j["objective"]["null_consistency"] = objective.null_consistency();  // likewise
  if (!init_run.empty()) j["train"]["init"] = init_run;  // absent otherwise, as in runs from before the option
  if (t.holdout() > 0) j["train"].update({{"holdout", t.holdout()}, {"patience", t.patience()}});  // likewise
  if (ranks > 1) j["train"]["ranks"] = ranks;  // likewise
  return j;
}

RunConfig RunConfig::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("format") || j["format"] != kRunFormat)
    throw std::runtime_error(where + ": not a diffinfo run configuration (expected format '" + kRunFormat + "')");
  try {
    RunConfig c;
    if (!j.contains("process")) throw std::runtime_error(where + ": missing field 'process'");
    c.process = j["process"];
    if (!j.contains("model") || !j["model"].is_object()) throw std::runtime_error(where + ": missing field 'model.dim'");
    c.model = network_from_json(j["model"], where);
    c.output = field(j, "model", "output", where).get<std::string>();
    c.objective.weighting(field(j, "objective", "weighting", where).get<std::string>())
        .time_sampling(field(j, "objective", "time_sampling", where).get<std::string>())
        .s_min(field(j, "objective", "s_min", where).get<double>())
        .p_uncond(j["objective"].value("p_uncond", 0.0))
        .null_consistency(j["objective"].value("null_consistency", 0.0));  // absent in runs from before the option
    c.train.steps(field(j, "train", "steps", where).get<int64_t>())
        .batch_size(field(j, "train", "batch_size", where).get<int64_t>())
        .lr(field(j, "train", "lr", where).get<double>())
        .warmup(field(j, "train", "warmup", where).get<int64_t>())
        .lr_final(field(j, "train", "lr_final", where).get<double>())
        .ema_decay(field(j, "train", "ema_decay", where).get<double>())
        .seed(field(j, "train", "seed", where).get<uint64_t>())
        .checkpoint_every(field(j, "train", "checkpoint_every", where).get<int64_t>())
        .log_every(field(j, "train", "log_every", where).get<int64_t>())
        .label_lr(j["train"].value("label_lr", 1.0))  // absent in runs from before the option
        .holdout(j["train"].value("holdout", 0.0))     // likewise
        .patience(j["train"].value("patience", int64_t{0}));
    c.init_run = j["train"].value("init", std::string());    // likewise
    c.ranks = j["train"].value("ranks", int64_t{1});         // likewise
    c.data_path = field(j, "data", "path", where).get<std::string>();
    c.data_rows = field(j, "data", "rows", where).get<int64_t>();
    c.data_var = field(j, "data", "var", where).get<double>();
    if (j.contains("cond")) {  // runs written before conditioning existed have none
      const auto kind = field(j, "cond", "kind", where).get<std::string>();
      if (!is_known(cond_kind_names(), kind)) throw std::runtime_error(where + ": " + unknown_name("cond.kind", kind, cond_kind_names()));
      c.cond_kind = cond_kind_from_name(kind);
      c.cond_path = field(j, "cond", "path", where).get<std::string>();
      c.cond_var = field(j, "cond", "var", where).get<double>();
    }
    c.joint_split = j["model"].value("joint_split", int64_t{0});
    if ((c.cond_kind == CondKind::kJoint) != (c.joint_split > 0) || c.joint_split >= c.model.dim())
      throw std::runtime_error(where + ": model.joint_split " + std::to_string(c.joint_split) + " does not fit cond.kind '" +
                               name(c.cond_kind) + "' and model.dim " + std::to_string(c.model.dim()));
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(where + ": malformed run configuration (" + e.what() + ")");
  }
}

RunConfig read_run_config(const std::string& run_dir) {
  const auto config_path = run_file(run_dir, "config.json");
  if (!file_exists(config_path))
    throw std::runtime_error(config_path + ": not found (is " + run_dir + " a diffinfo run directory?)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text(config_path));
  } catch (const nlohmann::json::parse_error&) {
    throw std::runtime_error(config_path + ": not valid JSON");
  }
  return RunConfig::from_json(j, config_path);
}

LoadedRun load_run(const std::string& run_dir, const torch::Device& device) {
  LoadedRun run;
  run.config = read_run_config(run_dir);
  run.process = process_from_config(run.config.process);
  auto net = make_network(run.config.model), ema = make_network(run.config.model);
  net->to(device);
  ema->to(device);
  run.step = load_checkpoint(run_file(run_dir, "checkpoint.pt"), run.config.to_json(), net, ema, nullptr);
  ema->eval();
  run.model = std::make_shared<ScoreModel>(run.process, ema, run.config.output, run.config.data_var, run.config.cond_var,
                                           run.config.joint_split);
  return run;
}

}  // namespace diffinfo
