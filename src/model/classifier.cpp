#include "diffinfo/model/classifier.h"

#include "diffinfo/info/discrete.h"
#include "diffinfo/random.h"

#include <cmath>

namespace diffinfo {
namespace {

// Images [N, C, H, W]: conv 3×3 → SiLU → pool 2 (twice), then a hidden layer of 128 and the K logits.
// Vectors [N, D]: two hidden layers of 128, then the K logits.
torch::nn::Sequential make_classifier(const torch::Tensor& x, int64_t ch, int64_t classes) {
  namespace nn = torch::nn;
  if (x.dim() == 2)
    return nn::Sequential(nn::Linear(x.size(1), 128), nn::SiLU(), nn::Linear(128, 128), nn::SiLU(), nn::Linear(128, classes));
  const int64_t h = x.size(2), w = x.size(3);
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(x.size(1), ch, 3).padding(1)), nn::SiLU(), nn::MaxPool2d(2),
                        nn::Conv2d(nn::Conv2dOptions(ch, 2 * ch, 3).padding(1)), nn::SiLU(), nn::MaxPool2d(2),
                        nn::Flatten(), nn::Linear(2 * ch * (h / 4) * (w / 4), 128), nn::SiLU(), nn::Linear(128, classes));
}

}  // namespace

nlohmann::json ClassifierReference::to_json() const {
  return {{"information", diffinfo::to_json(information)},
          {"cross_entropy", diffinfo::to_json(cross_entropy)},
          {"accuracy", diffinfo::to_json(accuracy)},
          {"label_entropy", label_entropy},
          {"classes", classes},
          {"steps", steps},
          {"method", "H(Y) - cross-entropy on the test rows of a classifier trained on the others (a CNN for images, an MLP "
                     "for vectors): a lower bound on I(X; Y)"}};
}

ClassifierReference classifier_reference(const torch::Tensor& train_x, const torch::Tensor& train_y,
                                         const torch::Tensor& test_x, const torch::Tensor& test_y,
                                         const ClassifierOptions& o, const torch::Device& device) {
  TORCH_CHECK((train_x.dim() == 4 || train_x.dim() == 2) && test_x.dim() == train_x.dim() &&
                  train_x.sizes().slice(1) == test_x.sizes().slice(1),
              "the classifier needs [N, C, H, W] images or [N, D] vectors, train and test of one shape, got ",
              train_x.sizes(), " and ", test_x.sizes());
  TORCH_CHECK(train_y.dim() == 1 && train_y.size(0) == train_x.size(0) && test_y.dim() == 1 && test_y.size(0) == test_x.size(0),
              "the classifier needs one label per image");
  TORCH_CHECK(train_x.dim() == 2 || (train_x.size(2) >= 4 && train_x.size(3) >= 4),
              "the classifier needs images of at least 4×4 pixels");
  TORCH_CHECK(o.epochs() >= 1 && o.epochs() <= 100000, "the classifier needs epochs in 1…100000, got ", o.epochs(),
              " (an untrained network bounds nothing)");
  TORCH_CHECK(train_y.min().item<int64_t>() >= 0 && test_y.min().item<int64_t>() >= 0, "labels must be >= 0");
  // The classes are those of the training labels: a test label beyond them is a wrong file, not a new class.
  const int64_t k = train_y.max().item<int64_t>() + 1;
  TORCH_CHECK(k <= train_y.size(0), "the training labels reach ", k - 1, " with only ", train_y.size(0),
              " rows: expected labels 0…K−1");
  TORCH_CHECK(test_y.max().item<int64_t>() < k, "a test label is ", test_y.max().item<int64_t>(),
              ", beyond the training labels' classes 0…", k - 1);
  auto gen = make_generator(o.seed());
  auto net = make_classifier(train_x, o.channels(), k);
  {  // seeded initialisation, U(±1/√fan_in) as LibTorch's default, from our generator (no global seed)
    torch::NoGradGuard no_grad;
    double bound = 1.0;
    for (auto& p : net->parameters()) {  // weight, then its bias, layer by layer
      if (p.dim() > 1) bound = 1.0 / std::sqrt(static_cast<double>(p[0].numel()));
      p.copy_(rand(p.sizes(), gen, p.options()) * (2 * bound) - bound);
    }
  }
  net->to(device);
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(o.lr()));
  auto xs = train_x.to(device, torch::kFloat32);
  auto ys = train_y.to(device, torch::kInt64);
  ClassifierReference r;
  r.classes = k;
  const int64_t n = xs.size(0);
  for (int64_t epoch = 0; epoch < o.epochs(); ++epoch) {
    auto order = torch::randperm(n, gen, torch::kInt64).to(device);
    for (int64_t start = 0; start < n; start += o.batch_size()) {
      auto idx = order.slice(0, start, std::min(n, start + o.batch_size()));
      auto loss = torch::nn::functional::cross_entropy(net->forward(xs.index_select(0, idx)), ys.index_select(0, idx));
      opt.zero_grad();
      loss.backward();
      opt.step();
      ++r.steps;
    }
  }
  torch::NoGradGuard no_grad;
  net->eval();
  std::vector<torch::Tensor> nll, hit;
  auto tx = test_x.to(device, torch::kFloat32);
  auto ty = test_y.to(device, torch::kInt64);
  for (int64_t start = 0; start < tx.size(0); start += 1024) {
    auto logits = net->forward(tx.slice(0, start, std::min(tx.size(0), start + 1024)));
    auto y = ty.slice(0, start, std::min(tx.size(0), start + 1024));
    nll.push_back((-torch::log_softmax(logits, 1).gather(1, y.unsqueeze(1)).squeeze(1)).cpu().to(torch::kFloat64));
    hit.push_back((logits.argmax(1) == y).cpu());
  }
  r.cross_entropy = mean_estimate(torch::cat(nll));
  r.accuracy = mean_estimate(torch::cat(hit).to(torch::kFloat64));
  r.label_entropy = label_entropy(test_y.cpu());
  r.information = {r.label_entropy - r.cross_entropy.value, r.cross_entropy.std_error};
  return r;
}

}  // namespace diffinfo
