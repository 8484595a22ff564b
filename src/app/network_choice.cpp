#include "diffinfo/app/network_choice.h"

#include "diffinfo/data/image_spec.h"
#include "diffinfo/names.h"

#include <stdexcept>

namespace diffinfo::app {

NetworkOptions network_options(const NetworkChoice& c, const std::string& data_path, int64_t columns, bool labelled) {
  if (c.arch == "mlp") {
    if (!c.image_shape.empty() || !c.mults.empty() || c.attention >= 0 || c.dropout >= 0 || c.zero_labels || c.label_gate)
      throw std::runtime_error(
          "--image-shape, --mults, --attention, --dropout, --zero-labels and --label-gate belong to --arch unet");
    const NetworkOptions defaults(columns);
    return NetworkOptions(columns).width(c.width.value_or(defaults.width())).depth(c.depth.value_or(defaults.depth()));
  }
  if (c.arch != "unet") throw std::runtime_error(unknown_name("--arch", c.arch, network_arches()));
  const std::string needs_labels = ": it needs --labels, and only train learns label embeddings (not scaling or dae)";
  if (c.zero_labels && !labelled) throw std::runtime_error("--zero-labels sets where labels start" + needs_labels);
  if (c.label_gate && !labelled) throw std::runtime_error("--label-gate gates the label embeddings" + needs_labels);
  auto o = unet_preset(c.preset, image_layout(data_path, c.image_shape, columns, data_path).shape);
  if (c.width) o.width(*c.width);
  if (c.depth) o.depth(*c.depth);
  if (!c.mults.empty()) o.mults(c.mults);
  if (c.attention >= 0) o.attention(c.attention);
  if (c.dropout >= 0) o.dropout(c.dropout);
  o.zero_labels(c.zero_labels);
  make_network(o);  // checks the combination now, before any training starts
  return o.label_gate(c.label_gate);  // a gate needs the labels, which the caller adds (and checks for)
}

}  // namespace diffinfo::app
