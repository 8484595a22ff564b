#pragma once
// JSON files read as untrusted input: a size and nesting limit before anything is built from them,
// and every error one line naming the file (and, for a field of the wrong type, the field).
//
//   const auto spec = diffinfo::read_json("law.json", "a spec written by 'diffinfo data'");
//   auto law = diffinfo::in_file("law.json", [&] { return GaussianMixture::from_spec(spec); });
#include <c10/util/Exception.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace diffinfo {

/// Deepest nesting accepted in a JSON file (a spec's means and covariances need 3).
constexpr int kMaxJsonDepth = 64;
/// Largest JSON file read (a 1000-dimensional covariance in text is about 20 MB).
constexpr int64_t kMaxJsonBytes = int64_t{256} << 20;

/// The parsed file; throws "<path>: not valid JSON (expected <expected>): …" when it is not JSON, is
/// nested deeper than kMaxJsonDepth or larger than kMaxJsonBytes.
nlohmann::json read_json(const std::string& path, const std::string& expected);

/// j[key] as an integer in [low, high]; throws std::invalid_argument "field KEY must be an integer in
/// LOW…HIGH, got VALUE" for a missing field, another type (1.5, 1e300, "7") or a value out of range.
int64_t json_integer(const nlohmann::json& j, const std::string& key, int64_t low, int64_t high);
/// j[key] as a number in [low, high] (finite: JSON has no NaN); throws as json_integer.
double json_number(const nlohmann::json& j, const std::string& key, double low, double high);

/// j[key] as a list of integers in [low, high]; throws as json_integer.
std::vector<int64_t> json_integers(const nlohmann::json& j, const std::string& key, int64_t low, int64_t high);

/// One line for what reading `path` threw: nlohmann's "[json.exception.type_error.302] (/model/width)
/// type must be number, but is string" becomes "<path>: field /model/width: type must be number, but
/// is string"; any other message is prefixed with the path unless it already names it (or `path` is empty).
std::string file_error(const std::string& path, const std::exception& e);

/// f(), with whatever it throws (a missing or mistyped field, an impossible value, LibTorch's checks)
/// turned into one std::runtime_error naming `path`.
template <class F>
auto in_file(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const c10::Error& e) {
    throw std::runtime_error(file_error(path, std::runtime_error(e.what_without_backtrace())));
  } catch (const std::exception& e) {
    throw std::runtime_error(file_error(path, e));
  }
}

}  // namespace diffinfo
