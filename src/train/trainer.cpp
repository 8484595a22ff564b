#include "diffinfo/train/trainer.h"

#include "diffinfo/cpu.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/flat_adam.h"
#include "diffinfo/train/holdout.h"
#include "diffinfo/train/precision.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <tuple>
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

double learning_rate(const TrainOptions& o, int64_t step, int64_t cooldown_from) {
  if (cooldown_from > 0 && step > cooldown_from) {
    const double from = learning_rate(o, cooldown_from), to = o.lr() * o.lr_final();
    const double progress = std::min(1.0, static_cast<double>(step - cooldown_from) / static_cast<double>(std::max<int64_t>(o.cooldown(), 1)));
    return to + (from - to) * 0.5 * (1.0 + std::cos(M_PI * progress));
  }
  if (step <= o.warmup()) return o.lr() * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(o.warmup(), 1));
  const double progress = std::min(1.0, static_cast<double>(step - o.warmup()) /
                                            static_cast<double>(std::max<int64_t>(o.steps() - o.warmup(), 1)));
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
  return o.lr() * (o.lr_final() + (1.0 - o.lr_final()) * cosine);
}

TrainResult train(const RunConfig& config, const TrainData& train_data, const std::string& run_dir, bool resume,
                  const torch::Device& device, const TrainCallbacks& callbacks, const dist::Group& group) {
  const auto& data = train_data.x;
  const auto& o = config.train;
  check_train_options(o);
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
  if (o.batch_size() < group.size())
    throw std::runtime_error("the batch (" + std::to_string(o.batch_size()) + ") is the global batch: it needs a row for each of the " +
                             std::to_string(group.size()) + " ranks");
  if (resume && config.ranks != group.size())
    throw std::runtime_error(run_dir + ": trained with " + std::to_string(config.ranks) + " rank(s), resumed with " +
                             std::to_string(group.size()) + ": resume it with as many (--nproc, or torchrun's --nproc_per_node), "
                             "so that it ends exactly as an unbroken run");
  auto with_ranks = config;
  with_ranks.ranks = group.size();
  const auto config_json = with_ranks.to_json();
  group.check_same("configuration of " + run_dir + " (with its data's size and variance)", config_json.dump());

  // bfloat16 products run in oneDNN on LibTorch's threads, as convolutions do.
  if (device.is_cpu()) choose_cpu_threads(image_network(config.model) || o.precision() != "float32", group.size());
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

  auto x_all = data.to(device, torch::kFloat32);
  torch::Tensor cond_all;
  if (train_data.cond.defined())
    cond_all = train_data.cond.to(device, train_data.cond.is_floating_point() ? torch::kFloat32 : torch::kInt64);
  HoldoutMonitor holdout(o, run_dir, group.leader());
  // A joint run stacks each row as three blocks, a per-coordinate run as D: a row's copies go to one side.
  holdout.split(x_all, cond_all, config.cond_kind == CondKind::kJoint ? 3 : config.cond_kind == CondKind::kCoordinates ? config.model.classes() : 1);

  TrainResult result;
  bool stopped = false;
  // Where ranks could part ways (a file one of them cannot read), each step ends only when all agree.
  // One train at a time in a run directory: a second start or a resume into a live run is refused.
  FileLock lock;
  const auto lock_path = run_file(run_dir, "train.lock");
  if (resume) {
    group.agree("resuming " + run_dir, [&] {
      if (group.leader() && std::filesystem::is_directory(run_dir)) lock = FileLock::acquire(lock_path, "the run " + run_dir);
      std::string warning;
      result.start_step = load_checkpoint(ckpt, config_json, net, ema, &optimizer, &warning);
      if (!warning.empty()) result.warnings.push_back(warning);
      if (result.start_step > o.steps())  // before config.json is rewritten: a refused resume changes nothing
        throw std::runtime_error(ckpt + ": the run has trained " + std::to_string(result.start_step) +
                                 " steps, more than the " + std::to_string(o.steps()) +
                                 " asked for: --resume goes on from where the run is (pass --steps above " +
                                 std::to_string(result.start_step) + ")");
      if (group.leader()) truncate_log(log_path, result.start_step);
    });
    stopped = holdout.resume(result.start_step);  // every rank reads the log rank 0 has cut
  } else {
    group.agree("starting " + run_dir, [&] {
      const auto taken = [&] {
        if (file_exists(ckpt) || file_exists(config_path))
          throw std::runtime_error(run_dir + ": already holds a run (pass --resume to continue it, or choose another --out)");
      };
      if (group.leader()) taken();
      if (!config.init_run.empty())  // before the directory exists: a foreign checkpoint leaves nothing behind
        result.init_step = load_weights(run_file(config.init_run, "checkpoint.pt"), config_json, net, ema);
      if (group.leader()) {
        std::filesystem::create_directories(run_dir);
        lock = FileLock::acquire(lock_path, "the run " + run_dir);
        taken();  // again under the lock: another start may have won the race
      }
    });
  }
  if (group.leader()) write_text_atomic(config_path, config_json.dump(2) + "\n");
  holdout.write_record();

  ScoreModel model(process, net, config.output, config.data_var, config.cond_var, config.joint_split);
  ScoreModel ema_model(process, ema, config.output, config.data_var, config.cond_var, config.joint_split);
  ema->eval();  // measured, never trained: no dropout when the held-out loss reads it
  std::ofstream log;  // rank 0's; the others write to a closed stream, which drops it
  if (group.leader()) log.open(log_path, std::ios::app);
  auto save = [&](int64_t step) {
    return [&, step](const std::string& path) {
      if (group.leader()) save_checkpoint(path, config_json, step, net, ema, &optimizer);
    };
  };
  if (stopped) {  // the run ended on its best held-out loss at this step: nothing left to train
    result.steps = result.start_step, result.best_step = holdout.best_step(), result.holdout = holdout.best();
    result.stopped = true;
    return result;
  }
  // Patience spent at `step`: the run ends there, or (TrainOptions::cooldown) its rate anneals to an end
  // cooldown steps on. True when it ends now.
  int64_t cooldown_from = holdout.cooldown_from();
  const auto last_step = [&] { return cooldown_from > 0 ? std::min(o.steps(), cooldown_from + o.cooldown()) : o.steps(); };
  const auto patience_spent = [&](int64_t step) {
    if (o.cooldown() == 0) return true;
    if (cooldown_from == 0) cooldown_from = step, holdout.log_cooldown(step, last_step(), log);
    return step >= last_step();
  };
  if (holdout.on() && result.start_step > 0 && !holdout.evaluated_at(result.start_step) &&  // killed between a checkpoint and its evaluation
      holdout.evaluate(objective, ema_model, result.start_step, log, save(result.start_step)) && patience_spent(result.start_step)) {
    result.steps = result.start_step, result.stopped = true;
    holdout.finish(ckpt, result.steps, true, log);
    result.best_step = holdout.best_step(), result.holdout = holdout.best();
    return result;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto loss_sum = torch::zeros({}, x_all.options());
  int64_t loss_count = 0;
  double last_loss = std::nan(""), allreduce_seconds = 0;
  // This rank's rows of every step's global batch (all of them in one process).
  BatchShare share;
  if (group.size() > 1) std::tie(share.begin, share.end) = group.share(o.batch_size());
  // From here on the weights, gradients, moments and EMA live in flat buffers (loading is done).
  FlatAdam flat(optimizer, net->parameters(), ema->parameters());
  net->train();
  result.steps = result.start_step;
  for (int64_t step = result.start_step + 1; step <= last_step(); ++step) {
    result.steps = step;
    // One derived seed per step: a resumed run draws exactly what an unbroken one would.
    auto gen = make_generator(derive_seed(o.seed(), static_cast<uint64_t>(step)));
    const auto rows = randint(x_all.size(0), o.batch_size(), gen, device);
    auto x0 = x_all.index_select(0, rows);
    const double lr = learning_rate(o, step, cooldown_from);
    for (size_t g = 0; g < groups.factors.size(); ++g)
      static_cast<torch::optim::AdamOptions&>(optimizer.param_groups()[g].options()).lr(lr * groups.factors[g]);
    flat.zero_grad();
    // Dropout and a DAE's reparameterisation draw from LibTorch's default generator: reseeded per step too.
    // Each rank its own stream (rank 0's is a single process's): these draws are the rank's rows' own.
    torch::manual_seed(derive_seed(o.seed(), static_cast<uint64_t>(step)) ^ 0x5eedULL ^
                       (static_cast<uint64_t>(group.rank()) * 0x9E3779B97F4A7C15ULL));
    torch::Tensor loss;
    {
      const ReducedPrecision precision(o.precision(), device);  // the forward pass; backward follows its dtypes
      loss = objective.loss(model, x0, gen, cond_all.defined() ? cond_all.index_select(0, rows) : torch::Tensor(), share);
    }
    if (auto penalty = net->penalty(); penalty.defined()) loss = loss + penalty / static_cast<double>(group.size());
    loss.backward();
    if (group.size() > 1) {  // the ranks' shares of the batch's gradient add up to it
      const auto t_reduce = std::chrono::steady_clock::now();
      group.sum(flat.grad(), "summing the gradients of step " + std::to_string(step));
      allreduce_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t_reduce).count();
    }
    // Warm-started EMA: early averages are not dominated by the random initialisation.
    flat.step(std::min(o.ema_decay(), (1.0 + step) / (10.0 + step)));
    loss_sum += loss.detach();
    ++loss_count;
    if (step % o.log_every() == 0 || step == last_step()) {
      group.sum(loss_sum, "summing the losses of step " + std::to_string(step));  // the global batch's
      last_loss = loss_sum.item<double>() / static_cast<double>(loss_count);
      if (!std::isfinite(last_loss))
        throw std::runtime_error("training diverged at step " + std::to_string(step) + " (loss " +
                                 std::to_string(last_loss) + "); lower --lr");
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      nlohmann::json line = {{"step", step}, {"loss", last_loss}, {"lr", lr}, {"seconds", secs}};
      if (group.size() > 1) line["allreduce_seconds"] = allreduce_seconds;  // of `seconds`: the gradients' all-reduce
      log << line.dump() << "\n";
      log.flush();
      loss_sum.zero_();
      loss_count = 0;
    }
    if (step % o.checkpoint_every() == 0 || step == last_step()) {
      save(step)(ckpt);
      if (holdout.on() && holdout.evaluate(objective, ema_model, step, log, save(step)) && patience_spent(step)) {
        result.stopped = step < o.steps();
        break;
      }
    }
    if (callbacks.progress) callbacks.progress(step, last_step(), last_loss);
  }
  if (cooldown_from > 0) result.stopped = result.steps < o.steps();
  holdout.finish(ckpt, result.steps, result.stopped, log);
  result.best_step = holdout.best_step(), result.holdout = holdout.best();
  result.final_loss = last_loss;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.allreduce_seconds = allreduce_seconds;
  return result;
}

}  // namespace diffinfo
