#include "diffinfo/train/trainer.h"

#include "diffinfo/cpu.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/ensemble.h"
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

// This rank's rows of every step's global batch (all of them in one process).
BatchShare rank_share(const dist::Group& group, int64_t batch) {
  BatchShare share;
  if (group.size() > 1) std::tie(share.begin, share.end) = group.share(batch);
  return share;
}

// The configuration as this run records it: with the number of ranks that train it.
RunConfig with_ranks(RunConfig config, int64_t ranks) {
  config.ranks = ranks;
  return config;
}

// The network, initialised from the training seed's stream 0, and its EMA copy, on `device`.
std::pair<Network, Network> init_networks(const RunConfig& config, const torch::Device& device) {
  auto init_gen = make_generator(derive_seed(training_seed(config.train), 0));
  auto net = make_network(config.model), ema = make_network(config.model);
  net->reset_parameters(init_gen);
  net->to(device);
  ema->to(device);
  copy_parameters(net, ema);
  return {net, ema};
}

// The data, condition and ranks a run is given, checked before anything is written.
void check_inputs(const RunConfig& config, const TrainData& train_data, const std::string& run_dir, bool resume,
                  const dist::Group& group) {
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
  if (o.batch_size() < group.size())
    throw std::runtime_error("the batch (" + std::to_string(o.batch_size()) + ") is the global batch: it needs a row for each of the " +
                             std::to_string(group.size()) + " ranks");
  if (resume && config.ranks != group.size())
    throw std::runtime_error(run_dir + ": trained with " + std::to_string(config.ranks) + " rank(s), resumed with " +
                             std::to_string(group.size()) + ": resume it with as many (--nproc, or torchrun's --nproc_per_node), "
                             "so that it ends exactly as an unbroken run");
}

// One optimiser step: the step's global batch of rows, times and noise from the step's own seed (a resumed run
// draws exactly what an unbroken one would), this rank's share through the network under the run's precision,
// the gradients summed over the ranks, then Adam and the warm-started EMA in the flat buffers.
struct Stepper {
  const TrainOptions& o;
  uint64_t seed;  // training_seed(o): the run's, or an ensemble member's own
  const torch::Tensor &x_all, &cond_all;
  const torch::Device& device;
  const ParameterGroups& groups;
  torch::optim::Adam& optimizer;
  FlatAdam& flat;
  const DenoisingObjective& objective;
  const ScoreModel& model;
  Network& net;
  const dist::Group& group;
  BatchShare share;

  // This rank's loss of the step; the all-reduce's seconds are added to `allreduce_seconds`.
  torch::Tensor step(int64_t step, double lr, double& allreduce_seconds) const {
    auto gen = make_generator(derive_seed(seed, static_cast<uint64_t>(step)));
    const auto rows = randint(x_all.size(0), o.batch_size(), gen, device);
    for (size_t g = 0; g < groups.factors.size(); ++g)
      static_cast<torch::optim::AdamOptions&>(optimizer.param_groups()[g].options()).lr(lr * groups.factors[g]);
    flat.zero_grad();
    // Dropout and a DAE's reparameterisation draw from LibTorch's default generator: reseeded per step too.
    // Each rank its own stream (rank 0's is a single process's): these draws are the rank's rows' own.
    torch::manual_seed(derive_seed(seed, static_cast<uint64_t>(step)) ^ 0x5eedULL ^
                       (static_cast<uint64_t>(group.rank()) * 0x9E3779B97F4A7C15ULL));
    torch::Tensor loss;
    {
      const ReducedPrecision precision(o.precision(), device);  // the forward pass; backward follows its dtypes
      loss = objective.loss(model, x_all.index_select(0, rows), gen,
                            cond_all.defined() ? cond_all.index_select(0, rows) : torch::Tensor(), share);
    }
    if (auto penalty = net->penalty(); penalty.defined()) loss = loss + penalty / static_cast<double>(group.size());
    loss.backward();
    if (group.size() > 1) {  // the ranks' shares of the batch's gradient add up to it
      const auto t_reduce = std::chrono::steady_clock::now();
      group.sum(flat.grad(), "summing the gradients of step " + std::to_string(step));
      allreduce_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t_reduce).count();
    }
    flat.step(std::min(o.ema_decay(), (1.0 + step) / (10.0 + step)));  // early averages not dominated by the initialisation
    return loss;
  }
};

struct LogPoint {
  int64_t step;
  double lr, seconds, allreduce_seconds;
};

// The global batch's mean loss since the last line, appended to the log (rank 0's); the sum is reset.
// Throws when training diverged.
double log_losses(torch::Tensor& loss_sum, int64_t& loss_count, const LogPoint& at, const dist::Group& group,
                  std::ostream& log) {
  group.sum(loss_sum, "summing the losses of step " + std::to_string(at.step));
  const double loss = loss_sum.item<double>() / static_cast<double>(loss_count);
  if (!std::isfinite(loss))
    throw std::runtime_error("training diverged at step " + std::to_string(at.step) + " (loss " + std::to_string(loss) +
                             "); lower --lr");
  nlohmann::json line = {{"step", at.step}, {"loss", loss}, {"lr", at.lr}, {"seconds", at.seconds}};
  if (group.size() > 1) line["allreduce_seconds"] = at.allreduce_seconds;  // of `seconds`: the gradients' all-reduce
  log << line.dump() << "\n";
  log.flush();
  loss_sum.zero_();
  loss_count = 0;
  return loss;
}

// Resuming: the run's lock, the checkpoint's weights, EMA and optimiser, and the log cut to its step; every rank
// agrees or all stop. A run asked for fewer steps than it has done is refused before anything changes.
FileLock resume_from_checkpoint(const std::string& run_dir, const nlohmann::json& config_json, int64_t steps, Network& net,
                                Network& ema, torch::optim::Adam& optimizer, const dist::Group& group, TrainResult& result) {
  FileLock lock;
  const auto ckpt = run_file(run_dir, "checkpoint.pt");
  group.agree("resuming " + run_dir, [&] {
    if (group.leader() && std::filesystem::is_directory(run_dir))
      lock = FileLock::acquire(run_file(run_dir, "train.lock"), "the run " + run_dir);
    std::string warning;
    result.start_step = load_checkpoint(ckpt, config_json, net, ema, &optimizer, &warning);
    if (!warning.empty()) result.warnings.push_back(warning);
    if (result.start_step > steps)  // before config.json is rewritten: a refused resume changes nothing
      throw std::runtime_error(ckpt + ": the run has trained " + std::to_string(result.start_step) + " steps, more than the " +
                               std::to_string(steps) + " asked for: --resume goes on from where the run is (pass --steps above " +
                               std::to_string(result.start_step) + ")");
    if (group.leader()) truncate_log(run_file(run_dir, "train_log.jsonl"), result.start_step);
  });
  return lock;
}

// Starting: the run directory and its lock, refused where a run already is (checked again under the lock: another
// start may have won the race); an --init run's weights, read before the directory exists.
FileLock start_new_run(const std::string& run_dir, const RunConfig& config, const nlohmann::json& config_json, Network& net,
                       Network& ema, const dist::Group& group, TrainResult& result) {
  FileLock lock;
  group.agree("starting " + run_dir, [&] {
    const auto taken = [&] {
      if (file_exists(run_file(run_dir, "checkpoint.pt")) || file_exists(run_file(run_dir, "config.json")))
        throw std::runtime_error(run_dir + ": already holds a run (pass --resume to continue it, or choose another --out)");
    };
    if (group.leader()) taken();
    if (!config.init_run.empty())  // a foreign checkpoint leaves nothing behind
      result.init_step = load_weights(run_file(config.init_run, "checkpoint.pt"), config_json, net, ema);
    if (group.leader()) {
      std::filesystem::create_directories(run_dir);
      lock = FileLock::acquire(run_file(run_dir, "train.lock"), "the run " + run_dir);
      taken();
    }
  });
  return lock;
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

namespace {

// A joint run stacks each row as three blocks, a per-coordinate run as D: a row's copies go to one side.
int64_t stacked_copies(const RunConfig& config) {
  return config.cond_kind == CondKind::kJoint ? 3 : config.cond_kind == CondKind::kCoordinates ? config.model.classes() : 1;
}

// A run conditioned on vectors or labels, with a null branch trained beside them (not a DAE's decoder), is
// also judged by whether it memorises the information it is measured for, unless told to judge the loss.
bool judges_information(const RunConfig& config) {
  const auto& stop_on = config.train.stop_on();
  const bool can = (config.cond_kind == CondKind::kVector || config.cond_kind == CondKind::kLabels) &&
                   config.objective.p_uncond() > 0;
  if (stop_on == "information" && !can)
    throw std::runtime_error("stop_on information compares a conditional run's held-out and in-sample MMSE gaps: it "
                             "needs a run conditioned on vectors or labels with p_uncond > 0");
  return stop_on == "information" || (stop_on == "auto" && can);
}

// The kept checkpoint's step and held-out numbers into the result.
TrainResult& kept(const HoldoutMonitor& holdout, TrainResult& result) {
  result.best_step = holdout.best_step(), result.holdout = holdout.best(), result.holdout_information = holdout.best_information();
  return result;
}

}  // namespace

TrainResult train(const RunConfig& config, const TrainData& train_data, const std::string& run_dir, bool resume,
                  const torch::Device& device, const TrainCallbacks& callbacks, const dist::Group& group) {
  const auto& o = config.train;
  check_inputs(config, train_data, run_dir, resume, group);
  const auto ckpt = run_file(run_dir, "checkpoint.pt");
  const auto config_path = run_file(run_dir, "config.json");
  const auto log_path = run_file(run_dir, "train_log.jsonl");
  const auto config_json = with_ranks(config, group.size()).to_json();
  group.check_same("configuration of " + run_dir + " (with its data's size and variance)", config_json.dump());

  // bfloat16 products run in oneDNN on LibTorch's threads, as convolutions do.
  if (device.is_cpu()) choose_cpu_threads(image_network(config.model) || o.precision() != "float32", group.size());
  auto process = std::shared_ptr<const ForwardProcess>(process_from_config(config.process));
  const DenoisingObjective objective(*process, config.objective);  // validates the options first

  const auto networks = init_networks(config, device);
  auto net = networks.first, ema = networks.second;  // holders of the same modules
  auto groups = parameter_groups(*net, o.label_lr());
  torch::optim::Adam optimizer(groups.groups, torch::optim::AdamOptions(o.lr()));

  auto x_all = train_data.x.to(device, torch::kFloat32);
  auto cond_all = train_data.cond.defined() ? train_data.cond.to(device, train_data.cond.is_floating_point() ? torch::kFloat32
                                                                                                          : torch::kInt64)
                                            : torch::Tensor();
  HoldoutMonitor holdout(o, run_dir, group.leader());
  holdout.split(x_all, cond_all, stacked_copies(config), judges_information(config));

  TrainResult result;
  bool stopped = false;
  // Where ranks could part ways (a file one of them cannot read), each step ends only when all agree.
  // One train at a time in a run directory: a second start or a resume into a live run is refused.
  FileLock lock;
  if (resume) {
    lock = resume_from_checkpoint(run_dir, config_json, o.steps(), net, ema, optimizer, group, result);
    stopped = holdout.resume(result.start_step);  // every rank reads the log rank 0 has cut
  } else {
    lock = start_new_run(run_dir, config, config_json, net, ema, group, result);
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
  // Ended on its held-out loss at this step, or killed between this checkpoint and the evaluation that ends it.
  if (stopped || (holdout.on() && result.start_step > 0 && !holdout.evaluated_at(result.start_step) &&
                  holdout.evaluate(objective, ema_model, result.start_step, log, save(result.start_step)) &&
                  holdout.end_on_patience(result.start_step, log))) {
    if (!stopped) holdout.finish(ckpt, result.start_step, true, log);
    result.steps = result.start_step, result.stopped = true;
    return kept(holdout, result);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto loss_sum = torch::zeros({}, x_all.options());
  int64_t loss_count = 0;
  double last_loss = std::nan(""), allreduce_seconds = 0;
  // From here on the weights, gradients, moments and EMA live in flat buffers (loading is done).
  FlatAdam flat(optimizer, net->parameters(), ema->parameters());
  const Stepper stepper{o, training_seed(o), x_all, cond_all, device, groups, optimizer, flat, objective, model, net, group, rank_share(group, o.batch_size())};
  net->train();
  result.steps = result.start_step;
  for (int64_t step = result.start_step + 1; step <= holdout.last_step(); ++step) {
    result.steps = step;
    const double lr = learning_rate(o, step, holdout.cooldown_from());
    loss_sum += stepper.step(step, lr, allreduce_seconds).detach();
    ++loss_count;
    if (step % o.log_every() == 0 || step == holdout.last_step()) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      last_loss = log_losses(loss_sum, loss_count, {step, lr, secs, allreduce_seconds}, group, log);
    }
    if (step % o.checkpoint_every() == 0 || step == holdout.last_step()) {
      save(step)(ckpt);
      if (holdout.on() && holdout.evaluate(objective, ema_model, step, log, save(step)) && holdout.end_on_patience(step, log)) {
        result.stopped = step < o.steps();
        break;
      }
    }
    if (callbacks.progress) callbacks.progress(step, holdout.last_step(), last_loss);
  }
  if (holdout.cooldown_from() > 0) result.stopped = result.steps < o.steps();
  holdout.finish(ckpt, result.steps, result.stopped, log);
  kept(holdout, result);
  result.final_loss = last_loss;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.allreduce_seconds = allreduce_seconds;
  return result;
}

}  // namespace diffinfo
