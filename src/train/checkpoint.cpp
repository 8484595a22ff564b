#include "diffinfo/train/checkpoint.h"

#include "diffinfo/io/files.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace diffinfo {
namespace {

const char* kFormat = "diffinfo-checkpoint-1";

// A checkpoint is LibTorch's archive (a zip, which torch.jit.load reads too) followed by one line,
// "diffinfo-crc32 XXXXXXXX NNNNNNNNNNNNNNNN\n": the CRC-32 (zlib's) of the archive's bytes and their count.
// CRC-32 catches every burst of up to 32 flipped bits; it guards against damage, not against forgery.
const char* kTrailerTag = "diffinfo-crc32 ";
constexpr size_t kTrailerSize = 15 + 8 + 1 + 16 + 1;

std::string checksum_trailer(const std::string& archive) {
  const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(archive.data()), 0);
  uLong sum = crc;
  for (size_t at = 0; at < archive.size(); at += size_t{1} << 30) {  // zlib takes 32-bit lengths
    const auto n = std::min(archive.size() - at, size_t{1} << 30);
    sum = crc32(sum, reinterpret_cast<const Bytef*>(archive.data() + at), static_cast<uInt>(n));
  }
  char line[kTrailerSize + 1];
  std::snprintf(line, sizeof line, "%s%08lx %016llx\n", kTrailerTag, static_cast<unsigned long>(sum),
                static_cast<unsigned long long>(archive.size()));
  return std::string(line, kTrailerSize);
}

// The archive's length within `bytes`, after checking its trailer; throws naming `path` otherwise.
size_t verified_size(const std::string& path, const std::string& bytes) {
  if (bytes.size() < kTrailerSize || bytes.compare(bytes.size() - kTrailerSize, 15, kTrailerTag) != 0) {
    if (bytes.size() >= 2 && bytes.compare(0, 2, "PK") == 0)
      throw std::runtime_error(path + ": not a diffinfo checkpoint (truncated or corrupt: no checksum line at its end, "
                                      "which diffinfo writes)");
    throw std::runtime_error(path + ": not a diffinfo checkpoint (corrupt or truncated file)");
  }
  const size_t size = bytes.size() - kTrailerSize;
  if (checksum_trailer(bytes.substr(0, size)) != bytes.substr(size))
    throw std::runtime_error(path + ": checksum mismatch: the file is corrupt (its CRC-32 is not the one written with it)");
  return size;
}

// The parts of a configuration that fix the network's shape and meaning; with `weights_only`, those
// that fix what the weights compute (the objective and seed may differ: a run started from them, and
// the data and condition variances that scale the network's inputs may not).
nlohmann::json identity(const nlohmann::json& config, bool weights_only = false) {
  nlohmann::json id;
  for (const char* key : {"process", "model", "objective"})
    if (config.contains(key)) id[key] = config[key];
  if (config.contains("data") && config["data"].contains("dim")) id["data_dim"] = config["data"]["dim"];
  if (config.contains("train") && config["train"].contains("seed")) id["seed"] = config["train"]["seed"];
  // Fields added with conditioning; at their neutral values they leave older checkpoints loadable.
  if (id.contains("model") && id["model"].value("classes", 0) == 0) id["model"].erase("classes"), id["model"].erase("embedding");
  if (id.contains("objective") && id["objective"].value("p_uncond", 0.0) == 0.0) id["objective"].erase("p_uncond");
  if (weights_only) {
    id.erase("objective"), id.erase("seed");
    for (const char* key : {"data", "cond"})
      if (config.contains(key) && config[key].contains("var")) id[std::string(key) + "_var"] = config[key]["var"];
  }
  return id;
}

// "model.width: 128 in the checkpoint, 256 expected" for the first difference.
std::string first_difference(const nlohmann::json& found, const nlohmann::json& expected) {
  auto patch = nlohmann::json::diff(expected, found);
  if (patch.empty()) return "";
  const auto& op = patch[0];
  std::string where = op["path"].get<std::string>();
  const auto ptr = nlohmann::json::json_pointer(where);
  const std::string want = expected.contains(ptr) ? expected[ptr].dump() : "nothing";
  const std::string got = found.contains(ptr) ? found[ptr].dump() : "nothing";
  return where + " is " + got + " in the checkpoint, " + want + " expected";
}

}  // namespace

std::string previous_checkpoint(const std::string& path) {
  return ends_with(path, ".pt") ? path.substr(0, path.size() - 3) + ".prev.pt" : path + ".prev";
}

void save_checkpoint(const std::string& path, const nlohmann::json& config, int64_t step, Network net, Network ema,
                     torch::optim::Optimizer* optimizer) {
  torch::serialize::OutputArchive archive, net_archive, ema_archive, opt_archive;
  archive.write("format", c10::IValue(std::string(kFormat)));
  archive.write("config", c10::IValue(config.dump()));
  archive.write("step", c10::IValue(step));
  net->save(net_archive);
  ema->save(ema_archive);
  archive.write("net", net_archive);
  archive.write("ema", ema_archive);
  if (optimizer) {
    optimizer->save(opt_archive);
    archive.write("optimizer", opt_archive);
  }
  // Into memory first: LibTorch's file writer throws from a destructor when the disk is full. Our own
  // write reports that in one line, and the previous checkpoint stays where it was.
  std::ostringstream bytes;
  archive.save_to(bytes);
  std::string file = bytes.str();
  file += checksum_trailer(file);
  const bool had_one = file_exists(path);
  write_bytes_atomic(path, file, had_one ? previous_checkpoint(path) : std::string());
}

namespace {

int64_t load(const std::string& path, const nlohmann::json& config, Network net, Network ema,
             torch::optim::Optimizer* optimizer, bool weights_only) {
  if (!file_exists(path)) throw std::runtime_error(path + ": checkpoint not found");
  const auto device = net->parameters().front().device();
  // The bytes are checked before LibTorch's archive reader sees them: a flipped bit is an error
  // naming the file, never a crash inside the reader or a silently changed weight.
  const std::string bytes = read_text(path);
  const size_t size = verified_size(path, bytes);
  torch::serialize::InputArchive archive;
  c10::IValue format, stored, step;
  try {
    archive.load_from(bytes.data(), size, device);
    archive.read("format", format);
    archive.read("config", stored);
    archive.read("step", step);
  } catch (const c10::Error&) {
    throw std::runtime_error(path + ": not a diffinfo checkpoint (corrupt or truncated file)");
  }
  if (!format.isString() || format.toStringRef() != kFormat)
    throw std::runtime_error(path + ": not a diffinfo checkpoint (unknown format)");
  nlohmann::json stored_config;
  try {
    stored_config = nlohmann::json::parse(stored.toStringRef());
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(path + ": not a diffinfo checkpoint (its configuration is not JSON)");
  }
  const auto diff = first_difference(identity(stored_config, weights_only), identity(config, weights_only));
  if (!diff.empty()) throw std::runtime_error(path + ": checkpoint is from another model: " + diff);

  // LibTorch's reader replaces tensors whatever their shape; check shapes ourselves.
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& p : net->parameters()) shapes.push_back(p.sizes().vec());
  try {
    torch::serialize::InputArchive net_archive, ema_archive;
    archive.read("net", net_archive);
    archive.read("ema", ema_archive);
    net->load(net_archive);
    ema->load(ema_archive);
    if (optimizer) {
      torch::serialize::InputArchive opt_archive;
      archive.read("optimizer", opt_archive);
      optimizer->load(opt_archive);
    }
  } catch (const c10::Error&) {
    throw std::runtime_error(path + ": checkpoint is corrupt or holds another model (weights do not load)");
  }
  size_t i = 0;
  for (auto* m : {&net, &ema})
    for (const auto& p : (*m)->parameters())
      if (p.sizes().vec() != shapes[i++ % shapes.size()])
        throw std::runtime_error(path + ": checkpoint holds weights of other shapes than the model");
  if (!step.isInt() || step.toInt() < 0) throw std::runtime_error(path + ": not a diffinfo checkpoint (no step)");
  return step.toInt();
}

// Whether `message` says the file itself is damaged (rather than from another model).
bool damaged(const std::string& message) {
  return message.find("checksum") != std::string::npos || message.find("corrupt") != std::string::npos ||
         message.find("truncated") != std::string::npos;
}

}  // namespace

int64_t load_checkpoint(const std::string& path, const nlohmann::json& config, Network net, Network ema,
                        torch::optim::Optimizer* optimizer, std::string* warning) {
  try {
    return load(path, config, net, ema, optimizer, false);
  } catch (const std::runtime_error& e) {
    // A damaged newest checkpoint falls back on the one before it, when that one is intact.
    const auto prev = previous_checkpoint(path);
    if (!damaged(e.what()) || !file_exists(prev)) throw;
    int64_t step = 0;
    try {
      step = load(prev, config, net, ema, optimizer, false);
    } catch (const std::runtime_error&) {
      throw e;
    }
    const std::string w = std::string("warning: ") + e.what() + "; using the previous checkpoint " + prev + " (step " +
                          std::to_string(step) + ")";
    if (warning == nullptr) throw e;  // the caller cannot say so: no silent fallback
    *warning = w;
    return step;
  }
}

int64_t load_weights(const std::string& path, const nlohmann::json& config, Network net, Network ema) {
  return load(path, config, net, ema, nullptr, true);
}

}  // namespace diffinfo
