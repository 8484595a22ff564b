#include "diffinfo/data/image_spec.h"

#include "diffinfo/io/files.h"
#include "diffinfo/io/json_file.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace diffinfo {

std::string sibling(const std::string& data_path, const std::string& suffix) {
  return (ends_with(data_path, ".npy") ? data_path.substr(0, data_path.size() - 4) : data_path) + suffix;
}

std::optional<ImageSpec> image_spec(const std::string& data_path) {
  const auto path = sibling(data_path, ".spec.json");
  if (!file_exists(path)) return std::nullopt;
  const auto spec = read_json(path, "a spec written by 'diffinfo data'");
  if (!spec.is_object() || spec.value("type", "") != "images") return std::nullopt;
  const auto malformed = [&path] {
    return std::runtime_error(path + ": not an image spec (expected image_shape [C, H, W] and scaling {range [LOW, HIGH], "
                                     "levels >= 2}, as 'diffinfo images' writes)");
  };
  ImageSpec s;
  s.path = path;
  try {
    s.shape = json_integers(spec, "image_shape", 1, int64_t{1} << 24);
    const auto& scaling = spec.at("scaling");
    s.low = scaling.at("range").at(0).get<double>(), s.high = scaling.at("range").at(1).get<double>();
    s.levels = json_integer(scaling, "levels", 2, int64_t{1} << 32);
  } catch (const std::exception&) {  // nlohmann's, or a field out of range
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

}  // namespace diffinfo
