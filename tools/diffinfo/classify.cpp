// diffinfo classify: the classifier reference of label information, I(X; Y) ≥ H(Y) − CE, from a small CNN
// trained on clean images and scored on held-out ones; the yardstick for MINDE's label MI on images.
#include "commands.h"

#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/model/classifier.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

namespace diffinfo::cli {
namespace {

struct ClassifyArgs {
  std::string data, labels, test_data, test_labels, device = "cpu";
  std::vector<int64_t> image_shape;
  bool json = false;
  ClassifierOptions options;
};

void run_classify(const ClassifyArgs& a) {
  const auto device = parse_device(a.device);
  auto load = [&](const std::string& x_path, const std::string& y_path) {
    auto x = load_matrix(x_path);
    auto y = read_npy(y_path);  // any classes may be present: a subset from 'images --classes' is fine
    if (y.scalar_type() != torch::kInt64 || y.dim() != 1 || (y.numel() > 0 && y.min().item<int64_t>() < 0))
      throw std::runtime_error(y_path + ": expected labels [N] int64 >= 0");
    if (y.size(0) != x.size(0))
      throw std::runtime_error(y_path + ": holds " + std::to_string(y.size(0)) + " labels, " + x_path + " holds " +
                               std::to_string(x.size(0)) + " rows");
    const auto l = image_layout(x_path, a.image_shape, x.size(1), x_path);
    return std::make_pair(x.reshape({x.size(0), l.shape[0], l.shape[1], l.shape[2]}), y);
  };
  const auto [x, y] = load(a.data, a.labels);
  const auto [tx, ty] = load(a.test_data, a.test_labels);
  if (tx.sizes().slice(1) != x.sizes().slice(1))
    throw std::runtime_error(a.test_data + ": its images are not of the training images' shape");
  const auto r = classifier_reference(x, y, tx, ty, a.options, device);
  auto out = r.to_json();
  out["train"] = {{"data", a.data}, {"rows", x.size(0)}, {"epochs", a.options.epochs()}, {"seed", a.options.seed()}};
  out["test"] = {{"data", a.test_data}, {"rows", tx.size(0)}};
  out["log_classes"] = std::log(static_cast<double>(r.classes));
  if (a.json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("classifier reference  I(X; Y) >= H(Y) - CE = %.4f ± %.4f nats\n", r.information.value,
              r.information.std_error);
  std::printf("  H(Y) = %.4f nats (ln %lld = %.4f), test cross-entropy %.4f ± %.4f, accuracy %.2f ± %.2f %% (%lld test images)\n",
              r.label_entropy, static_cast<long long>(r.classes), std::log(double(r.classes)), r.cross_entropy.value,
              r.cross_entropy.std_error, 100 * r.accuracy.value, 100 * r.accuracy.std_error, static_cast<long long>(tx.size(0)));
}

}  // namespace

void add_classify(CLI::App& app) {
  auto a = std::make_shared<ClassifyArgs>();
  auto* cmd = app.add_subcommand("classify", "Classifier reference of label information, H(Y) - test cross-entropy of a CNN");
  cmd->add_option("--data", a->data, "training images [N, C*H*W] .npy ('diffinfo images' writes them)")->required();
  cmd->add_option("--labels", a->labels, "their labels [N] int64 .npy")->required();
  cmd->add_option("--test-data", a->test_data, "held-out images")->required();
  cmd->add_option("--test-labels", a->test_labels, "their labels")->required();
  cmd->add_option("--image-shape", a->image_shape, "C H W (default: from the data's spec)")->expected(3);
  cmd->add_option("--epochs", a->options.epochs(), "passes over the training images")->capture_default_str();
  cmd->add_option("--seed", a->options.seed(), "seed of initialisation and batches")->capture_default_str();
  cmd->add_option("--device", a->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_flag("--json", a->json, "print one JSON object on stdout");
  cmd->callback([a] { run_classify(*a); });
}

}  // namespace diffinfo::cli
