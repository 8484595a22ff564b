// diffinfo images: a real image data set (IDX such as Fashion-MNIST and MNIST, or CIFAR-10 binary
// batches) as training arrays, with the scaling and the subset written beside them.
#include "commands.h"

#include "diffinfo/data/images.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/io/files.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

constexpr const char* kFashionMnist = "/usr/share/datasets/fashion-mnist";

struct ImagesArgs {
  std::string idx_images, idx_labels, split = "train", scale = "minus-one-one", layout = "flat", out, labels_out;
  std::vector<std::string> cifar;
  std::vector<int64_t> classes;
  int64_t n = 0;
  uint64_t seed = 0;
};

void run_images(const ImagesArgs& a) {
  LabelledImages d;
  std::vector<std::string> sources;
  if (!a.cifar.empty()) {
    if (!a.idx_images.empty() || !a.idx_labels.empty()) throw std::runtime_error("give either --cifar or --idx-images/--idx-labels");
    d = read_cifar10(a.cifar);
    sources = a.cifar;
  } else {
    if (a.idx_images.empty() != a.idx_labels.empty()) throw std::runtime_error("--idx-images and --idx-labels go together");
    const std::string prefix = std::string(kFashionMnist) + "/" + (a.split == "train" ? "train" : "t10k");
    const auto images = a.idx_images.empty() ? prefix + "-images-idx3-ubyte.gz" : a.idx_images;
    const auto labels = a.idx_labels.empty() ? prefix + "-labels-idx1-ubyte.gz" : a.idx_labels;
    if (a.idx_images.empty() && !file_exists(images))
      throw std::runtime_error(images + ": Fashion-MNIST is not installed (apt install dataset-fashion-mnist, as "
                               "scripts/setup.sh does) and no --idx-images/--cifar was given");
    d = read_idx_images(images, labels);
    sources = {images, labels};
  }
  const int64_t total = d.images.size(0);
  d = subset_images(d, a.n, a.classes, a.seed);
  auto x = scale_images(d.images, a.scale);
  if (a.layout == "flat") x = x.reshape({x.size(0), -1});
  const auto labels_out = a.labels_out.empty() ? sibling(a.out, "_labels.npy") : a.labels_out;
  write_npy(a.out, x);
  write_npy(labels_out, d.labels);
  const auto [low, high] = image_range(a.scale);
  const nlohmann::json spec = {{"type", "images"},
                               {"source", sources},
                               {"rows_in_source", total},
                               {"rows", d.images.size(0)},
                               {"image_shape", {d.images.size(1), d.images.size(2), d.images.size(3)}},
                               {"layout", a.layout},
                               {"scaling", {{"name", a.scale}, {"range", {low, high}}, {"levels", 256}}},
                               {"subset", {{"n", a.n}, {"classes", a.classes}, {"seed", a.seed}}},
                               {"labels", labels_out}};
  const auto spec_path = sibling(a.out, ".spec.json");
  write_text_atomic(spec_path, spec.dump(2) + "\n");
  std::cout << "wrote " << a.out << " [" << x.sizes()[0];
  for (int64_t i = 1; i < x.dim(); ++i) std::cout << ", " << x.size(i);
  std::cout << "] float32 in [" << low << ", " << high << "], " << labels_out << " [" << d.labels.size(0)
            << "] int64 and " << spec_path << "\n";
}

}  // namespace

void add_images(CLI::App& app) {
  auto a = std::make_shared<ImagesArgs>();
  auto* cmd = app.add_subcommand("images", "Real images (Fashion-MNIST by default, IDX, CIFAR-10) as scaled training arrays");
  cmd->add_option("--idx-images", a->idx_images, "IDX image file [N, H, W], plain or .gz (MNIST, Fashion-MNIST)");
  cmd->add_option("--idx-labels", a->idx_labels, "IDX label file [N], plain or .gz");
  cmd->add_option("--cifar", a->cifar, "CIFAR-10 binary batches (data_batch_1.bin ...)");
  cmd->add_option("--split", a->split, "Fashion-MNIST split when no file is given: train | test")
      ->check(CLI::IsMember({"train", "test"}))
      ->capture_default_str();
  cmd->add_option("--scale", a->scale, "pixel scaling: minus-one-one (x/127.5 - 1) | zero-one (x/255)")
      ->check(CLI::IsMember(image_range_names()))
      ->capture_default_str();
  cmd->add_option("--layout", a->layout, "flat [N, C*H*W] (what train takes) | nchw [N, C, H, W]")
      ->check(CLI::IsMember({"flat", "nchw"}))
      ->capture_default_str();
  cmd->add_option("--n", a->n, "keep this many images, drawn without replacement (0: all)")->capture_default_str();
  cmd->add_option("--classes", a->classes, "keep only these classes");
  cmd->add_option("--seed", a->seed, "seed of the subset")->capture_default_str();
  cmd->add_option("--labels-out", a->labels_out, "labels .npy (default <stem>_labels.npy)");
  cmd->add_option("--out", a->out, "output .npy (the scaling and source go to <stem>.spec.json)")->required();
  cmd->callback([a] { run_images(*a); });
}

}  // namespace diffinfo::cli
