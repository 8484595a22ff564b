// diffinfo classify: the classifier reference of label information, I(X; Y) ≥ H(Y) − CE of a small CNN.
#include "commands.h"

#include "diffinfo/app/classify.h"

namespace diffinfo::cli {

void add_classify(CLI::App& app) {
  auto r = std::make_shared<app::ClassifyRequest>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("classify", "Classifier reference of label information, H(Y) - test cross-entropy of a CNN");
  cmd->add_option("--data", r->data, "training images [N, C*H*W] .npy ('diffinfo images' writes them)")->required();
  cmd->add_option("--labels", r->labels, "their labels [N] int64 .npy")->required();
  cmd->add_option("--test-data", r->test_data, "held-out images")->required();
  cmd->add_option("--test-labels", r->test_labels, "their labels")->required();
  cmd->add_option("--image-shape", r->image_shape, "C H W (default: from the data's spec)")->expected(3);
  cmd->add_option("--epochs", r->options.epochs(), "passes over the training images")->capture_default_str();
  cmd->add_option("--seed", r->options.seed(), "seed of initialisation and batches")->capture_default_str();
  cmd->add_option("--device", r->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_flag("--json", *json, "print one JSON object on stdout");
  cmd->callback([r, json] { print(app::run_classify(*r), *json); });
}

}  // namespace diffinfo::cli
