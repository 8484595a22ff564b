#include "diffinfo/train/holdout.h"

#include "diffinfo/data/npy.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/train/checkpoint.h"
#include "diffinfo/train/ensemble.h"

#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace diffinfo {
namespace {

// Streams of derive_seed(seed, ·) beside step k's own (k >= 1) and the initialisation's (0).
constexpr uint64_t kHoldoutRows = 0xB01D0000000001ULL, kHoldoutDraws = 0xB01D0000000002ULL;
// Draws of (s, ε) per held-out evaluation, at least: each row is drawn ⌈this / rows⌉ times.
constexpr int64_t kHoldoutDrawsTotal = 32768;
// A checkpoint is worse than the lowest when its paired excess is above this many stderrs (one-sided 2.3 %).
constexpr double kWorseStderrs = 2.0;

}  // namespace

int64_t held_out_count(double fraction, int64_t n) {
  if (fraction <= 0) return 0;
  const int64_t held = std::max<int64_t>(std::llround(fraction * static_cast<double>(n)), std::min<int64_t>(kMinHoldoutRows, n / 4));
  if (held < 1 || held > n - 1)
    throw std::runtime_error("holdout " + c10::str(fraction) + " of " + std::to_string(n) +
                             " rows leaves no row on one side: choose a fraction that keeps at least one row each, "
                             "or --holdout 0 to train on every row");
  return held;
}

HoldoutSplit holdout_split(double fraction, uint64_t seed, int64_t n) {
  const int64_t held = held_out_count(fraction, n);
  auto gen = make_generator(derive_seed(seed, kHoldoutRows));
  const auto order = torch::randperm(n, gen, torch::kInt64);
  return {order.narrow(0, 0, held), order.narrow(0, held, n - held)};
}

std::optional<HoldoutSplit> run_holdout(const std::string& run_dir, const RunConfig& config) {
  if (config.train.holdout() <= 0) return std::nullopt;
  const auto path = run_file(run_dir, "holdout.npy");
  if (!file_exists(path)) return holdout_split(config.train.holdout(), config.train.seed(), config.data_rows);
  const auto held = read_npy(path);
  const int64_t n = config.data_rows;
  if (held.scalar_type() != torch::kInt64 || held.dim() != 1 || held.size(0) < 1 || held.size(0) >= n ||
      held.min().item<int64_t>() < 0 || held.max().item<int64_t>() >= n || torch::bincount(held, {}, n).max().item<int64_t>() > 1)
    throw std::runtime_error(path + ": expected the distinct int64 indices [M] of the rows held out of the run's " +
                             std::to_string(n) + " rows");
  auto trained = torch::ones({n}, torch::kBool);
  trained.index_fill_(0, held, false);
  return HoldoutSplit{held, trained.nonzero().flatten()};
}

void write_holdout(const std::string& run_dir, const HoldoutSplit& split) {
  write_npy(run_file(run_dir, "holdout.npy"), split.held_out);
}

HoldoutMonitor::HoldoutMonitor(const TrainOptions& o, const std::string& run_dir, bool writer)
    : o_(o), run_dir_(run_dir), best_path_(run_file(run_dir, "best.pt")), log_path_(run_file(run_dir, "train_log.jsonl")),
      lowest_path_(run_file(run_dir, "holdout_lowest.npy")), kept_path_(run_file(run_dir, "holdout_kept_information.npy")),
      writer_(writer) {}

void HoldoutMonitor::split(torch::Tensor& x, torch::Tensor& cond, int64_t copies, bool information) {
  if (!on()) return bootstrap_rows(x, cond, copies, o_);
  information_ = information && cond.defined() && copies == 1;
  const int64_t n = x.size(0) / copies;
  const auto s = holdout_split(o_.holdout(), o_.seed(), n);
  auto stacked = [&](const torch::Tensor& rows) {
    std::vector<torch::Tensor> parts;
    for (int64_t c = 0; c < copies; ++c) parts.push_back(rows + c * n);
    return torch::cat(parts).to(x.device());
  };
  const auto held_rows = stacked(s.held_out), fit_rows = stacked(s.trained);
  x_ = x.index_select(0, held_rows), x = x.index_select(0, fit_rows);
  if (cond.defined()) cond_ = cond.index_select(0, held_rows), cond = cond.index_select(0, fit_rows);
  bootstrap_rows(x, cond, copies, o_);  // an ensemble member trains on a resample of the rows trained on
  if (information_) {  // as many trained rows, the first drawn, for the in-sample information
    const int64_t m = std::min(x_.size(0), x.size(0));
    x_in_ = x.narrow(0, 0, m), cond_in_ = cond.narrow(0, 0, m);
  }
  split_ = s;
}

void HoldoutMonitor::write_record() const {
  if (on() && writer_) write_holdout(run_dir_, split_);
}

bool HoldoutMonitor::resume(int64_t step) {
  if (!on() || !file_exists(log_path_)) return false;
  std::istringstream in(read_text(log_path_));
  std::string line;
  bool stopped = false;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains("holdout_loss")) {
      const Estimate loss{j["holdout_loss"], j["holdout_stderr"]};
      // A log from before the memorisation verdict judged the loss alone; its resumed run goes on doing so.
      if (!j.contains("in_sample_information")) information_ = false;
      std::optional<Information> information;
      if (information_)
        information = Information{{j["holdout_information"]["value"], j["holdout_information"]["stderr"]},
                                  j["in_sample_information"]["value"].get<double>()};
      // Logs from before the verdicts: a checkpoint counted only when lower than every one before it.
      const auto verdict = j.contains("verdict") ? j["verdict"].get<std::string>()
                           : best_step_ == 0 || loss.value < lowest_ ? "lowest" : "worse";
      record(j["step"].get<int64_t>(), loss, information, verdict);
    }
    if (j.contains("cooldown")) cooldown_from_ = j["cooldown"]["from"].get<int64_t>();
    if (j.contains("stopped")) stopped = j["step"] == step && j["stopped"]["steps"] == o_.steps();
  }
  return stopped;
}

HoldoutMonitor::Rows HoldoutMonitor::held_out_rows(const DenoisingObjective& objective, const ScoreModel& ema_model) const {
  torch::NoGradGuard no_grad;
  auto gen = make_generator(derive_seed(o_.seed(), kHoldoutDraws));
  torch::manual_seed(derive_seed(o_.seed(), kHoldoutDraws) ^ 0x5eedULL);  // a DAE's draws
  // Each row's loss averaged over enough draws that kHoldoutDrawsTotal in all are made: one draw's weighted
  // norm varies far more than two checkpoints' losses differ, even on the same draws.
  const int64_t n = x_.size(0), draws = (kHoldoutDrawsTotal + n - 1) / n, chunk = 1024;  // fixed: not the batch size
  Rows rows{torch::zeros({n}, torch::kFloat64), torch::zeros({n}, torch::kFloat64), torch::zeros({n}, torch::kFloat64)};
  auto add = [&](const torch::Tensor& to, const torch::Tensor& index, const torch::Tensor& values) {
    to.index_add_(0, index, values.to(torch::kCPU, torch::kFloat64));
  };
  for (int64_t i = 0; i < n * draws; i += chunk) {  // the rows repeated `draws` times, in chunks
    const auto index = torch::arange(i, std::min(i + chunk, n * draws), torch::kInt64).remainder(n);
    const auto on = index.to(x_.device());
    const auto cond = cond_.defined() ? cond_.index_select(0, on) : torch::Tensor();
    if (!information_) {
      add(rows.loss, index, objective.row_losses(ema_model, x_.index_select(0, on), gen, cond));
      continue;
    }
    const auto out = objective.branch_rows(ema_model, x_.index_select(0, on), gen, cond);
    add(rows.loss, index, out.conditional);
    add(rows.information, index, out.null - out.conditional);
    const auto in_index = index.remainder(x_in_.size(0));
    const auto seen = objective.branch_rows(ema_model, x_in_.index_select(0, in_index.to(x_.device())), gen,
                                            cond_in_.index_select(0, in_index.to(x_.device())));
    add(rows.in_sample, in_index, seen.null - seen.conditional);
  }
  for (auto* t : {&rows.loss, &rows.information, &rows.in_sample}) *t /= static_cast<double>(draws);
  return rows;
}

bool HoldoutMonitor::memorising(const Rows& rows, nlohmann::json& line) {
  if (!kept_information_.defined() && file_exists(kept_path_)) kept_information_ = read_npy(kept_path_);
  if (!best_information_ || !kept_information_.defined() || kept_information_.numel() != rows.information.numel())
    return false;
  // Paired on the same rows and draws: below the kept checkpoint's information on the held-out rows, while
  // on the rows trained on it has not fallen — the conditional branch learns the training pairs.
  const auto below = mean_estimate(kept_information_ - rows.information);
  line["information_below_kept"] = to_json(below);
  const double in_sample = rows.in_sample.mean().item<double>();
  return below.value > kWorseStderrs * below.std_error && in_sample >= best_information_->in_sample;
}

bool HoldoutMonitor::evaluate(const DenoisingObjective& objective, const ScoreModel& ema_model, int64_t step,
                              std::ostream& log, const std::function<void(const std::string&)>& save) {
  const auto rows = held_out_rows(objective, ema_model);
  const auto loss = mean_estimate(rows.loss);
  if (!std::isfinite(loss.value))
    throw std::runtime_error("held-out loss not finite at step " + std::to_string(step) + "; lower --lr");
  nlohmann::json line = {{"step", step}, {"holdout_loss", loss.value}, {"holdout_stderr", loss.std_error}};
  std::optional<Information> information;
  if (information_) {
    information = Information{mean_estimate(rows.information), rows.in_sample.mean().item<double>()};
    line["holdout_information"] = to_json(information->held_out);
    line["in_sample_information"] = to_json(mean_estimate(rows.in_sample));
  }
  // Against the lowest checkpoint so far on the same rows and draws: the paired difference and its stderr.
  if (!lowest_rows_.defined() && file_exists(lowest_path_)) lowest_rows_ = read_npy(lowest_path_);
  std::string verdict = "lowest";
  if (best_step_ > 0 && loss.value >= lowest_ && lowest_rows_.defined() && lowest_rows_.numel() == rows.loss.numel()) {
    const auto diff = mean_estimate(rows.loss - lowest_rows_);
    line["holdout_above_lowest"] = to_json(diff);
    verdict = diff.value > kWorseStderrs * diff.std_error ? "worse" : "level";
  } else if (best_step_ > 0 && loss.value >= lowest_) {
    verdict = "worse";  // no rows to pair with (a log from before the verdicts)
  }
  if (information_ && memorising(rows, line)) verdict = "worse", line["memorising"] = true;
  if (verdict != "worse") save(best_path_);  // before the log names it
  if (verdict == "lowest") {
    lowest_rows_ = rows.loss;
    if (writer_) write_npy(lowest_path_, rows.loss);
  }
  if (information_ && verdict != "worse") {
    kept_information_ = rows.information;
    if (writer_) write_npy(kept_path_, rows.information);
  }
  line["verdict"] = verdict;
  log << line.dump() << "\n";
  log.flush();
  record(step, loss, information, verdict);
  return o_.patience() > 0 && since_best_ >= o_.patience();
}

int64_t HoldoutMonitor::last_step() const {
  return cooldown_from_ > 0 ? std::min(o_.steps(), cooldown_from_ + o_.cooldown()) : o_.steps();
}

bool HoldoutMonitor::end_on_patience(int64_t step, std::ostream& log) {
  if (o_.cooldown() == 0) return true;
  if (cooldown_from_ == 0) {
    cooldown_from_ = step;
    log << nlohmann::json{{"step", step}, {"cooldown", {{"from", step}, {"to", last_step()}}}}.dump() << "\n";
    log.flush();
  }
  return step >= last_step();
}

void HoldoutMonitor::finish(const std::string& ckpt, int64_t last_step, bool stopped, std::ostream& log) {
  if (!on() || best_step_ == 0 || !writer_) return;
  if (best_step_ != last_step) std::filesystem::rename(best_path_, ckpt);
  else std::filesystem::remove(best_path_);
  std::filesystem::remove(previous_checkpoint(best_path_));
  log << nlohmann::json{{"step", best_step_}, {"stopped", {{"at", last_step}, {"steps", o_.steps()}, {"early", stopped}}}}.dump()
      << "\n";
  log.flush();
}

void HoldoutMonitor::record(int64_t step, Estimate loss, std::optional<Information> information, const std::string& verdict) {
  if (verdict == "lowest") lowest_ = loss.value;
  if (verdict != "worse") best_ = loss, best_information_ = information, best_step_ = step, since_best_ = 0;
  else ++since_best_;
  last_step_ = step;
}

}  // namespace diffinfo
