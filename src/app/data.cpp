#include "diffinfo/app/data.h"

#include "diffinfo/data/image_spec.h"
#include "diffinfo/data/images.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/io/files.h"
#include "diffinfo/names.h"
#include "diffinfo/random.h"

#include <sstream>
#include <stdexcept>

namespace diffinfo::app {

std::vector<std::string> data_law_names() { return {"gaussian", "mixture", "uniform", "joint-gaussian", "bmi"}; }

Report run_data(const DataRequest& a) {
  if (!ends_with(a.out, ".npy") || a.out.size() < 5) throw std::runtime_error("--out " + a.out + ": expected a .npy file name");
  auto gen = make_generator(a.seed);
  Synthetic s;
  if (a.law == "gaussian") s = make_gaussian(a.gaussian, a.n, gen);
  else if (a.law == "mixture") s = make_mixture(a.mixture, a.n, gen);
  else if (a.law == "uniform") s = make_uniform(a.uniform, a.n, gen);
  else if (a.law == "joint-gaussian") s = make_joint_gaussian(a.joint, a.n, gen);
  else if (a.law == "bmi") s = make_bmi(a.task, a.n, gen);
  else throw std::invalid_argument(unknown_name("law", a.law, data_law_names()));
  write_npy(a.out, s.x.to(torch::kFloat32));
  const auto spec_path = sibling(a.out, ".spec.json");
  write_text_atomic(spec_path, s.spec.dump(2) + "\n");
  Report r;
  r.json = {{"data", a.out}, {"rows", s.x.size(0)}, {"dim", s.x.size(1)}, {"spec", spec_path}};
  std::ostringstream text;
  text << "wrote " << a.out << " [" << s.x.size(0) << ", " << s.x.size(1) << "] and " << spec_path;
  if (s.y.defined()) {
    const auto y_path = a.y_out.empty() ? sibling(a.out, "_y.npy") : a.y_out;
    write_npy(y_path, s.y.to(torch::kFloat32));
    text << ", " << y_path << " [" << s.y.size(0) << ", " << s.y.size(1) << "]";
    r.json["y"] = y_path;
  }
  if (s.labels.defined()) {
    const auto l_path = a.labels_out.empty() ? sibling(a.out, "_labels.npy") : a.labels_out;
    write_npy(l_path, s.labels);
    text << ", " << l_path << " [" << s.labels.size(0) << "] int64";
    r.json["labels"] = l_path;
  }
  r.text = text.str() + "\n";
  return r;
}

Report run_images(const ImagesRequest& a) {
  LabelledImages d;
  std::vector<std::string> sources;
  if (!a.cifar.empty()) {
    if (!a.idx_images.empty() || !a.idx_labels.empty()) throw std::runtime_error("give either --cifar or --idx-images/--idx-labels");
    d = read_cifar10(a.cifar);
    sources = a.cifar;
  } else {
    if (a.idx_images.empty() != a.idx_labels.empty()) throw std::runtime_error("--idx-images and --idx-labels go together");
    const std::string prefix = std::string(kFashionMnistDir) + "/" + (a.split == "train" ? "train" : "t10k");
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
  Report r;
  r.json = spec;
  std::ostringstream text;
  text << "wrote " << a.out << " [" << x.sizes()[0];
  for (int64_t i = 1; i < x.dim(); ++i) text << ", " << x.size(i);
  text << "] float32 in [" << low << ", " << high << "], " << labels_out << " [" << d.labels.size(0) << "] int64 and "
       << spec_path << "\n";
  r.text = text.str();
  return r;
}

}  // namespace diffinfo::app
