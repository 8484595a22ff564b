#include "diffinfo/io/json_file.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace diffinfo {

nlohmann::json read_json(const std::string& path, const std::string& expected) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": cannot read (no such file, or no permission)");
  if (S_ISDIR(st.st_mode)) throw std::runtime_error(path + ": is a directory (expected " + expected + ")");
  if (st.st_size > kMaxJsonBytes)
    throw std::runtime_error(path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                             std::to_string(kMaxJsonBytes >> 20) + " MiB a JSON file may have (expected " + expected + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read (no such file, or no permission)");
  std::ostringstream text;
  text << in.rdbuf();
  // The parser callback sees each value's depth before the value is built: deep nesting stops here,
  // before a recursive copy or destruction of it could exhaust the stack.
  bool too_deep = false;
  const nlohmann::json::parser_callback_t limit = [&too_deep](int depth, nlohmann::json::parse_event_t,
                                                               nlohmann::json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str(), limit);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1E65503
    std::string what = e.what();
    what = what.substr(what.find("] ") == std::string::npos ? 0 : what.find("] ") + 2);
    throw std::runtime_error(path + ": not valid JSON (expected " + expected + "): " + what);
  }
  if (too_deep)
    throw std::runtime_error(path + ": nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (expected " +
                             expected + ")");
  return j;
}

namespace {
const nlohmann::json& member(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object() || !j.contains(key)) throw std::invalid_argument("missing field \"" + key + "\"");
  return j[key];
}
}  // namespace

int64_t json_integer(const nlohmann::json& j, const std::string& key, int64_t low, int64_t high) {
  const auto& v = member(j, key);
  const bool ok = v.is_number_integer() &&
                  (v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t(high) && int64_t(v.get<uint64_t>()) >= low
                                          : v.get<int64_t>() >= low && v.get<int64_t>() <= high);
  if (!ok)
    throw std::invalid_argument("field \"" + key + "\" must be an integer in " + std::to_string(low) + "…" +
                                std::to_string(high) + ", got " + v.dump().substr(0, 40));
  return v.is_number_unsigned() ? int64_t(v.get<uint64_t>()) : v.get<int64_t>();
}

double json_number(const nlohmann::json& j, const std::string& key, double low, double high) {
  const auto& v = member(j, key);
  if (!v.is_number() || !(v.get<double>() >= low && v.get<double>() <= high))
    throw std::invalid_argument("field \"" + key + "\" must be a number in [" + nlohmann::json(low).dump() + ", " +
                                nlohmann::json(high).dump() + "], got " + v.dump().substr(0, 40));
  return v.get<double>();
}

std::vector<int64_t> json_integers(const nlohmann::json& j, const std::string& key, int64_t low, int64_t high) {
  const auto& v = member(j, key);
  if (!v.is_array() || v.size() > 64)
    throw std::invalid_argument("field \"" + key + "\" must be a list of at most 64 integers, got " + v.dump().substr(0, 40));
  std::vector<int64_t> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(json_integer({{key, v[i]}}, key, low, high));
  return out;
}

std::string file_error(const std::string& path, const std::exception& e) {
  std::string what = e.what();
  what = what.substr(0, what.find('\n'));
  if (dynamic_cast<const nlohmann::json::exception*>(&e) != nullptr) {
    // "[json.exception.type_error.302] (/model/width) type must be number, but is string"
    const auto bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    if (what.rfind("(/", 0) == 0 && what.find(") ") != std::string::npos) {
      const auto close = what.find(") ");
      what = "field " + what.substr(1, close - 1) + ": " + what.substr(close + 2);
    } else if (what.rfind("() ", 0) == 0) {
      what = what.substr(3);
    }
  }
  return path.empty() || what.find(path) != std::string::npos ? what : path + ": " + what;
}

}  // namespace diffinfo
