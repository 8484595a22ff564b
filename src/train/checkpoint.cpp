#include "diffinfo/train/checkpoint.h"

#include "diffinfo/io/files.h"

#include <stdexcept>

namespace diffinfo {
namespace {

const char* kFormat = "diffinfo-checkpoint-1";

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

void save_checkpoint(const std::string& path, const nlohmann::json& config, int64_t step, Network net, Network ema,
                     torch::optim::Optimizer* optimizer) {
  replace_atomically(path, [&](const std::string& tmp) {
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
    archive.save_to(tmp);
  });
}

namespace {

int64_t load(const std::string& path, const nlohmann::json& config, Network net, Network ema,
             torch::optim::Optimizer* optimizer, bool weights_only) {
  if (!file_exists(path)) throw std::runtime_error(path + ": checkpoint not found");
  const auto device = net->parameters().front().device();
  torch::serialize::InputArchive archive;
  c10::IValue format, stored, step;
  try {
    archive.load_from(path, device);
    archive.read("format", format);
    archive.read("config", stored);
    archive.read("step", step);
  } catch (const c10::Error&) {
    throw std::runtime_error(path + ": not a diffinfo checkpoint (corrupt or truncated file)");
  }
  if (!format.isString() || format.toStringRef() != kFormat)
    throw std::runtime_error(path + ": not a diffinfo checkpoint (unknown format)");
  const auto diff = first_difference(identity(nlohmann::json::parse(stored.toStringRef()), weights_only),
                                     identity(config, weights_only));
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
  return step.toInt();
}

}  // namespace

int64_t load_checkpoint(const std::string& path, const nlohmann::json& config, Network net, Network ema,
                        torch::optim::Optimizer* optimizer) {
  return load(path, config, net, ema, optimizer, false);
}

int64_t load_weights(const std::string& path, const nlohmann::json& config, Network net, Network ema) {
  return load(path, config, net, ema, nullptr, true);
}

}  // namespace diffinfo
