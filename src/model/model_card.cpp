#include "diffinfo/model/model_card.h"

#include "diffinfo/io/files.h"
#include "diffinfo/io/json_file.h"
#include "diffinfo/names.h"
#include "diffinfo/processes/discrete.h"

#include <stdexcept>

namespace diffinfo {
namespace {

template <class E>
E from_name(const std::vector<std::string>& names, const std::string& what, const std::string& value) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == value) return static_cast<E>(i);
  throw std::invalid_argument(unknown_name(what, value, names));
}

std::string text_field(const nlohmann::json& j, const char* key) {
  if (!j[key].is_string()) throw std::invalid_argument(std::string("field \"") + key + "\" must be a string, got " + j[key].dump());
  return j[key].get<std::string>();
}

int64_t int_field(const nlohmann::json& j, const char* key, int64_t low) {
  const auto& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < low)
    throw std::invalid_argument(std::string("field \"") + key + "\" must be an integer >= " + std::to_string(low) + ", got " +
                                v.dump());
  return v.get<int64_t>();
}

nlohmann::json parse(const std::string& path, const char* expected) {
  return read_json(path, expected);
}


}  // namespace

std::vector<std::string> prediction_names() { return {"epsilon", "sample", "v_prediction", "score", "entropy"}; }
std::vector<std::string> time_input_names() { return {"s", "index", "sigma"}; }
std::string name(Prediction p) { return prediction_names()[static_cast<size_t>(p)]; }
std::string name(TimeInput t) { return time_input_names()[static_cast<size_t>(t)]; }
Prediction prediction_from_name(const std::string& n) { return from_name<Prediction>(prediction_names(), "prediction_type", n); }
TimeInput time_input_from_name(const std::string& n) { return from_name<TimeInput>(time_input_names(), "time_input", n); }

ModelCard ModelCard::over(const ModelCard& base) const {
  ModelCard c = base;
  if (prediction) c.prediction = prediction;
  if (time_input) c.time_input = time_input;
  if (!process.is_null()) c.process = process;
  if (!shape.empty()) c.shape = shape;
  if (condition) c.condition = condition;
  if (classes > 0) c.classes = classes;
  if (cond_dim > 0) c.cond_dim = cond_dim;
  if (null_label) c.null_label = null_label;
  if (!data_range.empty()) c.data_range = data_range;
  if (!check.is_null()) c.check = check;
  return c;
}

nlohmann::json ModelCard::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (prediction) j["prediction_type"] = name(*prediction);
  if (time_input) j["time_input"] = name(*time_input);
  if (!process.is_null()) j["process"] = process;
  if (!shape.empty()) j["shape"] = shape;
  if (condition) j["condition"] = name(*condition);
  if (classes > 0) j["classes"] = classes;
  if (cond_dim > 0) j["cond_dim"] = cond_dim;
  j["null_label"] = null_label ? nlohmann::json(*null_label) : nlohmann::json();
  if (!data_range.empty()) j["data_range"] = data_range;
  if (!check.is_null()) j["check"] = check;
  return j;
}

ModelCard ModelCard::from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("a model card must be a JSON object");
  static const std::vector<std::string> known = {"prediction_type", "time_input", "process", "scheduler", "shape",
                                                 "condition", "classes", "cond_dim", "null_label", "data_range",
                                                 "source", "data_var", "check"};
  for (const auto& [key, value] : j.items())
    if (!is_known(known, key)) throw std::invalid_argument(unknown_name("card field", key, known));
  ModelCard c;
  if (j.contains("scheduler") && j.contains("process"))
    throw std::invalid_argument("give \"process\" or \"scheduler\", not both");
  if (j.contains("scheduler")) {
    const auto& sch = j["scheduler"];
    c.process = process_from_scheduler(sch)->config();
    if (sch.is_object() && sch.contains("prediction_type"))
      c.prediction = from_name<Prediction>(prediction_names(), "scheduler prediction_type", text_field(sch, "prediction_type"));
  }
  if (j.contains("process")) c.process = process_from_config(j["process"])->config();
  if (j.contains("prediction_type"))
    c.prediction = prediction_from_name(text_field(j, "prediction_type"));
  if (j.contains("time_input")) c.time_input = time_input_from_name(text_field(j, "time_input"));
  if (j.contains("shape")) {
    const auto& s = j["shape"];
    if (!s.is_array() || (s.size() != 1 && s.size() != 3))
      throw std::invalid_argument("field \"shape\" must be [D] or [C, H, W], got " + s.dump());
    for (const auto& d : s) {
      if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > (int64_t(1) << 24))
        throw std::invalid_argument("field \"shape\" needs positive integer sizes, got " + s.dump());
      c.shape.push_back(d.get<int64_t>());
    }
  }
  if (j.contains("condition")) c.condition = cond_kind_from_name(text_field(j, "condition"));
  if (c.condition == CondKind::kJoint) throw std::invalid_argument("condition \"joint\" is for diffinfo's own runs only");
  if (j.contains("classes")) c.classes = int_field(j, "classes", 1);
  if (j.contains("cond_dim")) c.cond_dim = int_field(j, "cond_dim", 1);
  if (j.contains("null_label") && !j["null_label"].is_null()) c.null_label = int_field(j, "null_label", -1);
  if (j.contains("data_range")) {
    const auto& r = j["data_range"];
    if (!r.is_array() || r.size() != 2 || !r[0].is_number() || !r[1].is_number() || !(r[1].get<double>() > r[0].get<double>()))
      throw std::invalid_argument("field \"data_range\" must be [low, high] with high > low, got " + r.dump());
    c.data_range = {r[0].get<double>(), r[1].get<double>()};
  }
  if (j.contains("check")) {
    if (!j["check"].is_object()) throw std::invalid_argument("field \"check\" must be an object {x, t, y, output}");
    c.check = j["check"];
  }
  return c;
}

ModelCard read_card(const std::string& path) {
  const auto j = parse(path, "a model card, docs/own_models.md");
  return in_file(path, [&] { return ModelCard::from_json(j); });
}

ModelCard read_scheduler_config(const std::string& path) {
  const auto j = parse(path, "a diffusers scheduler config");
  return in_file(path, [&] { return ModelCard::from_json({{"scheduler", j}}); });
}

}  // namespace diffinfo
