#include "diffinfo/train/run.h"

#include "diffinfo/io/files.h"
#include "diffinfo/io/json_file.h"
#include "diffinfo/names.h"
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/objective.h"
#include "diffinfo/train/precision.h"

#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace diffinfo {

std::vector<std::string> stop_on_names() { return {"auto", "loss", "information"}; }

namespace {

const char* kRunFormat = "diffinfo-run-1";

// config[a][b] with an error naming the file and the field.
const nlohmann::json& field(const nlohmann::json& j, const std::string& section, const std::string& key,
                            const std::string& where) {
  if (!j.contains(section) || !j[section].is_object() || !j[section].contains(key))
    throw std::runtime_error(where + ": missing field '" + section + "." + key + "'");
  return j[section][key];
}

[[noreturn]] void refuse(const std::string& what) { throw std::invalid_argument(what); }

}  // namespace

void check_train_options(const TrainOptions& o) {
  const auto count = [](const char* name, int64_t v, int64_t low, int64_t high) {
    if (v < low || v > high)
      refuse(std::string(name) + " must lie in " + std::to_string(low) + "…" + std::to_string(high) + ", got " +
             std::to_string(v));
  };
  const auto real = [](const char* name, double v, double low, double high, bool open_high) {
    if (!std::isfinite(v) || v < low || v > high || (open_high && v == high))
      refuse(std::string(name) + " must lie in [" + c10::str(low) + ", " + c10::str(high) + (open_high ? ")" : "]") +
             ", got " + c10::str(v));
  };
  count("steps", o.steps(), 1, kMaxSteps);
  count("batch_size", o.batch_size(), 1, kMaxBatch);
  count("warmup", o.warmup(), 0, kMaxSteps);
  count("checkpoint_every", o.checkpoint_every(), 1, kMaxSteps);
  count("log_every", o.log_every(), 1, kMaxSteps);
  count("patience", o.patience(), 0, kMaxSteps);
  count("cooldown", o.cooldown(), 0, kMaxSteps);
  count("member", o.member(), 0, kMaxMembers);
  if (!(std::isfinite(o.lr()) && o.lr() > 0 && o.lr() <= 1e3)) refuse("lr must be finite, > 0 and <= 1000, got " + c10::str(o.lr()));
  if (!(std::isfinite(o.label_lr()) && o.label_lr() > 0 && o.label_lr() <= 1e6))
    refuse("label_lr must be finite and > 0, got " + c10::str(o.label_lr()));
  real("lr_final", o.lr_final(), 0, 1, false);
  real("ema_decay", o.ema_decay(), 0, 1, true);
  real("holdout", o.holdout(), 0, 1, true);
  if (o.seed() > uint64_t{1} << 62) refuse("seed must lie in 0…2^62, got " + std::to_string(o.seed()));
  if (!is_known(precision_names(), o.precision())) refuse(unknown_name("precision", o.precision(), precision_names()));
  if (!is_known(stop_on_names(), o.stop_on())) refuse(unknown_name("stop_on", o.stop_on(), stop_on_names()));
  if (o.patience() > 0 && o.holdout() == 0)
    refuse("patience counts checkpoints without a lower held-out loss: it needs holdout > 0");
}

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
  if (t.cooldown() > 0) j["train"]["cooldown"] = t.cooldown();  // likewise
  if (t.stop_on() != "auto") j["train"]["stop_on"] = t.stop_on();  // likewise
  if (ranks > 1) j["train"]["ranks"] = ranks;  // likewise
  if (t.precision() != "float32") j["train"]["precision"] = t.precision();  // likewise
  if (t.member() > 0) j["train"]["member"] = t.member();  // likewise
  return j;
}

RunConfig RunConfig::from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("format") || j["format"] != kRunFormat)
    throw std::runtime_error(where + ": not a diffinfo run configuration (expected format '" + kRunFormat + "')");
  return in_file(where, [&] {
    // Each field of its type and range, or one line naming the file and the field.
    const auto integer = [&](const char* section, const char* key, int64_t low, int64_t high) {
      (void)field(j, section, key, where);
      return json_integer(j[section], key, low, high);
    };
    const auto number = [&](const char* section, const char* key, double low, double high) {
      (void)field(j, section, key, where);
      return json_number(j[section], key, low, high);
    };
    const auto optional_number = [&](const char* section, const char* key, double fallback, double low, double high) {
      return j.contains(section) && j[section].contains(key) ? number(section, key, low, high) : fallback;
    };
    RunConfig c;
    if (!j.contains("process")) throw std::runtime_error(where + ": missing field 'process'");
    c.process = j["process"];
    if (!j.contains("model") || !j["model"].is_object()) throw std::runtime_error(where + ": missing field 'model.dim'");
    c.model = network_from_json(j["model"], where);
    c.output = field(j, "model", "output", where).get<std::string>();
    if (c.output != "entropy" && c.output != "score")
      throw std::invalid_argument("field model.output must be \"entropy\" or \"score\", got \"" + excerpt(c.output) + "\"");
    c.objective.weighting(field(j, "objective", "weighting", where).get<std::string>())
        .time_sampling(field(j, "objective", "time_sampling", where).get<std::string>())
        .s_min(number("objective", "s_min", 0, 0.5))
        .p_uncond(optional_number("objective", "p_uncond", 0.0, 0, 1))
        .null_consistency(optional_number("objective", "null_consistency", 0.0, 0, 1e6));  // absent in runs from before the option
    c.train.steps(integer("train", "steps", 1, kMaxSteps))
        .batch_size(integer("train", "batch_size", 1, kMaxBatch))
        .lr(number("train", "lr", 0, 1e3))
        .warmup(integer("train", "warmup", 0, kMaxSteps))
        .lr_final(number("train", "lr_final", 0, 1))
        .ema_decay(number("train", "ema_decay", 0, 1))
        .seed(uint64_t(integer("train", "seed", 0, int64_t{1} << 62)))
        .checkpoint_every(integer("train", "checkpoint_every", 1, kMaxSteps))
        .log_every(integer("train", "log_every", 1, kMaxSteps))
        .label_lr(optional_number("train", "label_lr", 1.0, 0, 1e6))  // absent in runs from before the option
        .holdout(optional_number("train", "holdout", 0.0, 0, 1))     // likewise
        .patience(j["train"].contains("patience") ? integer("train", "patience", 0, kMaxSteps) : 0)
        .cooldown(j["train"].contains("cooldown") ? integer("train", "cooldown", 0, kMaxSteps) : 0);  // likewise
    c.init_run = j["train"].value("init", std::string());    // likewise
    c.train.precision(j["train"].value("precision", std::string("float32")));  // likewise; checked with the rest
    c.train.stop_on(j["train"].value("stop_on", std::string("auto")));          // likewise
    c.train.member(j["train"].contains("member") ? integer("train", "member", 0, kMaxMembers) : 0);  // likewise
    c.ranks = j["train"].contains("ranks") ? integer("train", "ranks", 1, 1 << 20) : 1;         // likewise
    c.data_path = field(j, "data", "path", where).get<std::string>();
    c.data_rows = integer("data", "rows", 0, int64_t{1} << 40);
    if (j["data"].contains("dim") && integer("data", "dim", 1, int64_t{1} << 24) != c.model.dim())
      throw std::invalid_argument("field data.dim is " + j["data"]["dim"].dump() + ", model.dim " + std::to_string(c.model.dim()));
    c.data_var = number("data", "var", 1e-30, 1e30);
    if (j.contains("cond")) {  // runs written before conditioning existed have none
      const auto kind = field(j, "cond", "kind", where).get<std::string>();
      if (!is_known(cond_kind_names(), kind)) throw std::runtime_error(where + ": " + unknown_name("cond.kind", kind, cond_kind_names()));
      c.cond_kind = cond_kind_from_name(kind);
      c.cond_path = field(j, "cond", "path", where).get<std::string>();
      c.cond_var = number("cond", "var", 0, 1e30);
    }
    c.joint_split = j["model"].contains("joint_split") ? integer("model", "joint_split", 0, int64_t{1} << 24) : 0;
    if ((c.cond_kind == CondKind::kJoint) != (c.joint_split > 0) || c.joint_split >= c.model.dim())
      throw std::runtime_error(where + ": model.joint_split " + std::to_string(c.joint_split) + " does not fit cond.kind '" +
                               name(c.cond_kind) + "' and model.dim " + std::to_string(c.model.dim()));
    // Values no run can have (process 'bogus', width 0, a negative beta) are refused here, naming the file.
    (void)make_network(c.model);  // construction checks the network (milliseconds on the CPU)
    {
      const auto process = process_from_config(c.process);
      (void)DenoisingObjective(*process, c.objective);  // checks the objective's names and values
    }
    check_train_options(c.train);
    return c;
  });
}

RunConfig read_run_config(const std::string& run_dir) {
  const auto config_path = run_file(run_dir, "config.json");
  if (!file_exists(config_path))
    throw std::runtime_error(config_path + ": not found (is " + run_dir + " a diffinfo run directory?)");
  return RunConfig::from_json(read_json(config_path, "a run configuration written by 'diffinfo train'"), config_path);
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
