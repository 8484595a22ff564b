#include "diffinfo/train/trainer.h"

#include "diffinfo/cpu.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/flat_adam.h"
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

// Streams of derive_seed(seed, ·) beside step k's own (k >= 1) and the initialisation's (0).
constexpr uint64_t kHoldoutRows = 0xB01D0000000001ULL, kHoldoutDraws = 0xB01D0000000002ULL;
// Draws of (s, ε) per held-out evaluation, at least: each row is drawn ⌈this / rows⌉ times.
constexpr int64_t kHoldoutDrawsTotal = 32768;

// TrainOptions::holdout: the rows held out of training, their loss at every checkpoint on fixed draws,
// and the best checkpoint so far, kept in RUN/best.pt until the run ends.
class Holdout {
 public:
  // Only a run's writer (rank 0) moves files; every rank evaluates, so all decide alike when to stop.
  Holdout(const TrainOptions& o, const std::string& run_dir, const std::string& log_path, bool writer)
      : o_(o), best_path_(run_file(run_dir, "best.pt")), log_path_(log_path), writer_(writer) {}

  bool on() const { return o_.holdout() > 0; }

  // Splits x (and cond) in place into the rows trained on and the held-out ones. `copies` stacked
  // copies of each row (a joint run's three blocks) go to the same side.
  void split(torch::Tensor& x, torch::Tensor& cond, int64_t copies) {
    if (!on()) return;
    const int64_t n = x.size(0) / copies;
    const int64_t held = std::llround(o_.holdout() * static_cast<double>(n));
    if (held < 1 || held > n - 1)
      throw std::runtime_error("holdout " + std::to_string(o_.holdout()) + " of " + std::to_string(n) +
                               " rows leaves no row on one side: choose a fraction that keeps at least one row each");
    auto gen = make_generator(derive_seed(o_.seed(), kHoldoutRows));
    const auto order = torch::randperm(n, gen, torch::kInt64);
    auto stacked = [&](const torch::Tensor& rows) {
      std::vector<torch::Tensor> parts;
      for (int64_t c = 0; c < copies; ++c) parts.push_back(rows + c * n);
      return torch::cat(parts).to(x.device());
    };
    const auto held_rows = stacked(order.narrow(0, 0, held)), fit_rows = stacked(order.narrow(0, held, n - held));
    x_ = x.index_select(0, held_rows), x = x.index_select(0, fit_rows);
    if (cond.defined()) cond_ = cond.index_select(0, held_rows), cond = cond.index_select(0, fit_rows);
  }

  // On resume: the best held-out loss logged up to the checkpoint's step, and whether the run stopped there.
  bool resume(int64_t step) {
    if (!on() || !file_exists(log_path_)) return false;
    std::istringstream in(read_text(log_path_));
    std::string line;
    bool stopped = false;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      if (j.contains("holdout_loss")) record(j["step"].get<int64_t>(), {j["holdout_loss"], j["holdout_stderr"]});
      if (j.contains("stopped")) stopped = j["step"] == step && j["stopped"]["steps"] == o_.steps();
    }
    return stopped;
  }
  bool evaluated_at(int64_t step) const { return last_step_ == step; }

  // The EMA model's loss on the held-out rows at `step`; keeps the weights when they are the best so
  // far. True when the run should stop (patience spent).
  bool evaluate(const DenoisingObjective& objective, const ScoreModel& ema_model, int64_t step, std::ostream& log,
                const std::function<void(const std::string&)>& save) {
    torch::NoGradGuard no_grad;
    auto gen = make_generator(derive_seed(o_.seed(), kHoldoutDraws));
    torch::manual_seed(derive_seed(o_.seed(), kHoldoutDraws) ^ 0x5eedULL);  // a DAE's draws
    // Each row's loss averaged over enough draws that kHoldoutDraws in all are made: one draw's weighted
    // norm varies far more than two checkpoints' losses differ, even on the same draws.
    const int64_t n = x_.size(0), draws = (kHoldoutDrawsTotal + n - 1) / n, chunk = 1024;  // fixed: not the batch size
    auto rows = torch::zeros({n}, torch::kFloat64);
    for (int64_t i = 0; i < n * draws; i += chunk) {  // the rows repeated `draws` times, in chunks
      const auto index = torch::arange(i, std::min(i + chunk, n * draws), torch::kInt64).remainder(n);
      const auto on = index.to(x_.device());
      const auto losses = objective.row_losses(ema_model, x_.index_select(0, on), gen,
                                               cond_.defined() ? cond_.index_select(0, on) : torch::Tensor());
      rows.index_add_(0, index, losses.to(torch::kCPU, torch::kFloat64));
    }
    const auto loss = mean_estimate(rows / static_cast<double>(draws));
    if (!std::isfinite(loss.value))
      throw std::runtime_error("held-out loss not finite at step " + std::to_string(step) + "; lower --lr");
    if (loss.value < best_.value || best_step_ == 0) save(best_path_);  // before the log names it
    log << nlohmann::json{{"step", step}, {"holdout_loss", loss.value}, {"holdout_stderr", loss.std_error}}.dump() << "\n";
    log.flush();
    record(step, loss);
    return o_.patience() > 0 && since_best_ >= o_.patience();
  }

  // Ends the run on the best weights: RUN/best.pt replaces RUN/checkpoint.pt unless they are the same step's.
  void finish(const std::string& ckpt, int64_t last_step, bool stopped, std::ostream& log) {
    if (!on() || best_step_ == 0 || !writer_) return;
    if (best_step_ != last_step) std::filesystem::rename(best_path_, ckpt);
    else std::filesystem::remove(best_path_);
    std::filesystem::remove(previous_checkpoint(best_path_));
    log << nlohmann::json{{"step", best_step_}, {"stopped", {{"at", last_step}, {"steps", o_.steps()}, {"early", stopped}}}}.dump()
        << "\n";
    log.flush();
  }

  int64_t best_step() const { return best_step_; }
  Estimate best() const { return best_; }

 private:
  void record(int64_t step, Estimate loss) {
    if (best_step_ == 0 || loss.value < best_.value) best_ = loss, best_step_ = step, since_best_ = 0;
    else ++since_best_;
    last_step_ = step;
  }

  const TrainOptions& o_;
  std::string best_path_, log_path_;
  bool writer_;
  torch::Tensor x_, cond_;
  Estimate best_;
  int64_t best_step_ = 0, since_best_ = 0, last_step_ = 0;
};

}  // namespace

double learning_rate(const TrainOptions& o, int64_t step) {
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
  Holdout holdout(o, run_dir, log_path, group.leader());
  holdout.split(x_all, cond_all, config.cond_kind == CondKind::kJoint ? 3 : 1);

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
  if (holdout.on() && result.start_step > 0 && !holdout.evaluated_at(result.start_step))  // killed between a checkpoint and its evaluation
    holdout.evaluate(objective, ema_model, result.start_step, log, save(result.start_step));
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
  for (int64_t step = result.start_step + 1; step <= o.steps(); ++step) {
    result.steps = step;
    // One derived seed per step: a resumed run draws exactly what an unbroken one would.
    auto gen = make_generator(derive_seed(o.seed(), static_cast<uint64_t>(step)));
    const auto rows = randint(x_all.size(0), o.batch_size(), gen, device);
    auto x0 = x_all.index_select(0, rows);
    const double lr = learning_rate(o, step);
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
    if (step % o.log_every() == 0 || step == o.steps()) {
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
    if (step % o.checkpoint_every() == 0 || step == o.steps()) {
      save(step)(ckpt);
      if (holdout.on() && holdout.evaluate(objective, ema_model, step, log, save(step))) {
        result.stopped = step < o.steps();
        break;
      }
    }
    if (callbacks.progress) callbacks.progress(step, o.steps(), last_loss);
  }
  holdout.finish(ckpt, result.steps, result.stopped, log);
  result.best_step = holdout.best_step(), result.holdout = holdout.best();
  result.final_loss = last_loss;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.allreduce_seconds = allreduce_seconds;
  return result;
}

}  // namespace diffinfo
