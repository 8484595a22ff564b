#include "diffinfo/app/classify.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/data/image_spec.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"

#include <cmath>

namespace diffinfo::app {

Report run_classify(const ClassifyRequest& a) {
  const auto device = device_from_name(a.device);
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
  const auto c = classifier_reference(x, y, tx, ty, a.options, device);
  Report r;
  r.json = c.to_json();
  r.json["train"] = {{"data", a.data}, {"rows", x.size(0)}, {"epochs", a.options.epochs()}, {"seed", a.options.seed()}};
  r.json["test"] = {{"data", a.test_data}, {"rows", tx.size(0)}};
  r.json["log_classes"] = std::log(static_cast<double>(c.classes));
  r.text = format("classifier reference  I(X; Y) >= H(Y) - CE = %.4f ± %.4f nats\n", c.information.value,
                  c.information.std_error) +
           format("  H(Y) = %.4f nats (ln %lld = %.4f), test cross-entropy %.4f ± %.4f, accuracy %.2f ± %.2f %% (%lld test "
                  "images)\n",
                  c.label_entropy, static_cast<long long>(c.classes), std::log(double(c.classes)), c.cross_entropy.value,
                  c.cross_entropy.std_error, 100 * c.accuracy.value, 100 * c.accuracy.std_error,
                  static_cast<long long>(tx.size(0)));
  return r;
}

}  // namespace diffinfo::app
