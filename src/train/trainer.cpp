#include "diffinfo/train/trainer.h"

#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/train/checkpoint.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace diffinfo {
namespace {

// Keeps the log lines of steps the checkpoint holds; later ones belong to the lost tail.
void truncate_log(const std::string& path, int64_t last_step) {
  if (!file_exists(path)) return;
  std::istringstream in(read_text(path));
  std::string line, kept;
  while (std::getline(in, line)) {
    try {
      if (nlohmann::json::parse(line).at("step").get<int64_t>() <= last_step) kept += line + "\n";
    } catch (const nlohmann::json::exception&) {
      // A half-written last line from a killed run: drop it.
    }
  }
  write_text_atomic(path, kept);
}

// The optimiser's parameter groups, each with its factor on the learning rate: the label
// embeddings form a group of their own when their factor is not 1 (TrainOptions::label_lr);
// otherwise one group in the network's order, as in runs from before the option.
struct ParameterGroups {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  std::vector<double> factors;
};

ParameterGroups parameter_groups(torch::nn::Module& net, double label_lr) {
  if (label_lr == 1.0) return {{torch::optim::OptimizerParamGroup(net.parameters())}, {1.0}};
  std::unordered_set<const c10::TensorImpl*> label_weights;
  for (const auto& m : net.modules())
    if (auto* e = dynamic_cast<torch::nn::EmbeddingImpl*>(m.get())) label_weights.insert(e->weight.unsafeGetTensorImpl());
  std::vector<torch::Tensor> labels, rest;
  for (const auto& p : net.parameters()) (label_weights.count(p.unsafeGetTensorImpl()) ? labels : rest).push_back(p);
  if (labels.empty()) return {{torch::optim::OptimizerParamGroup(rest)}, {1.0}};
  return {{torch::optim::OptimizerParamGroup(rest), torch::optim::OptimizerParamGroup(labels)}, {1.0, label_lr}};
}

}  // namespace

double learning_rate(const TrainOptions& o, int64_t step) {
  if (step <= o.warmup()) return o.lr() * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(o.warmup(), 1));
  const double progress = std::min(1.0, static_cast<double>(step - o.warmup()) /
                                            static_cast<double>(std::max<int64_t>(o.steps() - o.warmup(), 1)));
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
  return o.lr() * (o.lr_final() + (1.0 - o.lr_final()) * cosine);
}

TrainResult train(const RunConfig& config, const TrainData& train_data, const std::string& run_dir, bool resume,
                  const torch::Device& device, const TrainCallbacks& callbacks) {
  const auto& data = train_data.x;
  const auto& o = config.train;
  TORCH_CHECK(o.steps() >= 1 && o.batch_size() >= 1 && o.lr() > 0, "training needs steps, batch_size >= 1 and lr > 0");
  TORCH_CHECK(o.label_lr() > 0, "label_lr must be > 0, got ", o.label_lr());
  TORCH_CHECK(o.ema_decay() >= 0 && o.ema_decay() < 1, "ema_decay must lie in [0, 1), got ", o.ema_decay());
  TORCH_CHECK(o.checkpoint_every() >= 1 && o.log_every() >= 1, "checkpoint_every and log_every must be >= 1");
  if (data.dim() != 2 || data.size(1) != config.model.dim())
    throw std::runtime_error(config.data_path + ": expected data [N, " + std::to_string(config.model.dim()) +
                             "] for this run, got [" + std::to_string(data.size(0)) + ", " +
                             std::to_string(data.dim() == 2 ? data.size(1) : 0) + "]");
  TORCH_CHECK(config.conditional() == train_data.cond.defined(),
              config.conditional() ? "this run is conditional: it needs condition rows beside the data"
                                   : "this run is unconditional: it takes no condition rows");
  if (train_data.cond.defined() && train_data.cond.size(0) != data.size(0))
    throw std::runtime_error(config.cond_path + ": expected " + std::to_string(data.size(0)) + " rows (one per row of " +
                             config.data_path + "), got " + std::to_string(train_data.cond.size(0)));
  const auto ckpt = run_file(run_dir, "checkpoint.pt");
  const auto config_path = run_file(run_dir, "config.json");
  const auto log_path = run_file(run_dir, "train_log.jsonl");
  const auto config_json = config.to_json();

  auto process = std::shared_ptr<const ForwardProcess>(process_from_config(config.process));
  const DenoisingObjective objective(*process, config.objective);  // validates the options first

  auto init_gen = make_generator(derive_seed(o.seed(), 0));
  auto net = make_network(config.model), ema = make_network(config.model);
  net->reset_parameters(init_gen);
  net->to(device);
  ema->to(device);
  copy_parameters(net, ema);
  auto groups = parameter_groups(*net, o.label_lr());
  torch::optim::Adam optimizer(groups.groups, torch::optim::AdamOptions(o.lr()));

  TrainResult result;
  if (resume) {
    result.start_step = load_checkpoint(ckpt, config_json, net, ema, &optimizer);
    truncate_log(log_path, result.start_step);
  } else {
    if (file_exists(ckpt) || file_exists(config_path))
      throw std::runtime_error(run_dir + ": already holds a run (pass --resume to continue it, or choose another --out)");
    if (!config.init_run.empty())  // before the directory exists: a foreign checkpoint leaves nothing behind
      result.init_step = load_weights(run_file(config.init_run, "checkpoint.pt"), config_json, net, ema);
    std::filesystem::create_directories(run_dir);
  }
  write_text_atomic(config_path, config_json.dump(2) + "\n");

  ScoreModel model(process, net, config.output, config.data_var, config.cond_var, config.joint_split);
  auto x_all = data.to(device, torch::kFloat32);
  torch::Tensor cond_all;
  if (train_data.cond.defined())
    cond_all = train_data.cond.to(device, train_data.cond.is_floating_point() ? torch::kFloat32 : torch::kInt64);
  std::ofstream log(log_path, std::ios::app);
  const auto t0 = std::chrono::steady_clock::now();
  auto loss_sum = torch::zeros({}, x_all.options());
  int64_t loss_count = 0;
  double last_loss = std::nan("");
  // The parameter tensors keep their identity for the whole run (loading uses set_), so collect them once.
  const auto net_params = net->parameters();
  auto ema_params = ema->parameters();
  net->train();
  for (int64_t step = result.start_step + 1; step <= o.steps(); ++step) {
    // One derived seed per step: a resumed run draws exactly what an unbroken one would.
    auto gen = make_generator(derive_seed(o.seed(), static_cast<uint64_t>(step)));
    const auto rows = randint(x_all.size(0), o.batch_size(), gen, device);
    auto x0 = x_all.index_select(0, rows);
    const double lr = learning_rate(o, step);
    for (size_t g = 0; g < groups.factors.size(); ++g)
      static_cast<torch::optim::AdamOptions&>(optimizer.param_groups()[g].options()).lr(lr * groups.factors[g]);
    optimizer.zero_grad();
    // Dropout and a DAE's reparameterisation draw from LibTorch's default generator: reseeded per step too.
    torch::manual_seed(derive_seed(o.seed(), static_cast<uint64_t>(step)) ^ 0x5eedULL);
    auto loss = objective.loss(model, x0, gen, cond_all.defined() ? cond_all.index_select(0, rows) : torch::Tensor());
    if (auto penalty = net->penalty(); penalty.defined()) loss = loss + penalty;
    loss.backward();
    optimizer.step();
    {
      torch::NoGradGuard no_grad;
      // Warm-started EMA: early averages are not dominated by the random initialisation.
      const double d = std::min(o.ema_decay(), (1.0 + step) / (10.0 + step));
      torch::_foreach_mul_(ema_params, d);
      torch::_foreach_add_(ema_params, net_params, 1.0 - d);  // one fused kernel per op on a GPU
      loss_sum += loss.detach();
      ++loss_count;
    }
    if (step % o.log_every() == 0 || step == o.steps()) {
      last_loss = loss_sum.item<double>() / static_cast<double>(loss_count);
      if (!std::isfinite(last_loss))
        throw std::runtime_error("training diverged at step " + std::to_string(step) + " (loss " +
                                 std::to_string(last_loss) + "); lower --lr");
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      log << nlohmann::json{{"step", step}, {"loss", last_loss}, {"lr", lr}, {"seconds", secs}}.dump() << "\n";
      log.flush();
      loss_sum.zero_();
      loss_count = 0;
    }
    if (step % o.checkpoint_every() == 0 || step == o.steps()) save_checkpoint(ckpt, config_json, step, net, ema, &optimizer);
    if (callbacks.progress) callbacks.progress(step, o.steps(), last_loss);
  }
  result.steps = o.steps();
  result.final_loss = last_loss;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace diffinfo
