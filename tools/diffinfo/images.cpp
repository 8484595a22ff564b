// diffinfo images: a real image data set (IDX such as Fashion-MNIST and MNIST, or CIFAR-10 binary
// batches) as training arrays, with the scaling and the subset written beside them.
#include "commands.h"

#include "diffinfo/app/data.h"
#include "diffinfo/data/images.h"

namespace diffinfo::cli {

void add_images(CLI::App& app) {
  auto r = std::make_shared<app::ImagesRequest>();
  auto* cmd = app.add_subcommand("images", "Real images (Fashion-MNIST by default, IDX, CIFAR-10) as scaled training arrays");
  cmd->add_option("--idx-images", r->idx_images, "IDX image file [N, H, W], plain or .gz (MNIST, Fashion-MNIST)");
  cmd->add_option("--idx-labels", r->idx_labels, "IDX label file [N], plain or .gz");
  cmd->add_option("--cifar", r->cifar, "CIFAR-10 binary batches (data_batch_1.bin ...)");
  cmd->add_option("--split", r->split, "Fashion-MNIST split when no file is given: train | test")
      ->check(CLI::IsMember({"train", "test"}))
      ->capture_default_str();
  cmd->add_option("--scale", r->scale, "pixel scaling: minus-one-one (x/127.5 - 1) | zero-one (x/255)")
      ->check(CLI::IsMember(image_range_names()))
      ->capture_default_str();
  cmd->add_option("--layout", r->layout, "flat [N, C*H*W] (what train takes) | nchw [N, C, H, W]")
      ->check(CLI::IsMember({"flat", "nchw"}))
      ->capture_default_str();
  cmd->add_option("--n", r->n, "keep this many images, drawn without replacement (0: all)")->capture_default_str();
  cmd->add_option("--classes", r->classes, "keep only these classes");
  cmd->add_option("--seed", r->seed, "seed of the subset")->capture_default_str();
  cmd->add_option("--labels-out", r->labels_out, "labels .npy (default <stem>_labels.npy)");
  cmd->add_option("--out", r->out, "output .npy (the scaling and source go to <stem>.spec.json)")->required();
  cmd->callback([r] { print(app::run_images(*r), false); });
}

}  // namespace diffinfo::cli
