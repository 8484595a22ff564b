#include "diffinfo/app/train.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/data/scale.h"
#include "diffinfo/data/stacking.h"
#include "diffinfo/io/files.h"
#include "diffinfo/train/ensemble.h"
#include "diffinfo/train/holdout.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace diffinfo::app {
namespace {

std::string absolute(const std::string& path) { return std::filesystem::absolute(path).string(); }

// The variance that scales the network's input (data/scale.h): a user's data must vary. Heavy tails are
// said in `warnings` and set `heavy`.
double data_variance(const torch::Tensor& x, const std::string& path, std::vector<std::string>& warnings, bool& heavy) {
  const auto scale = data_scale(x);
  const double v = scale.sample;
  if (!(v > 0)) throw std::runtime_error(path + ": every column is constant (variance 0): there is nothing to learn");
  // float32 networks see x / sqrt(v) and losses of order v: beyond this they overflow.
  if (!(v < 1e24) || !(x.abs().max().item<double>() < 1e30))
    throw std::runtime_error(path + ": values too large for float32 training (mean variance " + c10::str(v) +
                             "): rescale the data");
  if (scale.heavy_tailed)
    warnings.push_back(format("diffinfo: warning: %s: heavy tails (variance %.4g, %.1f times that of the data clamped to "
                              "their 1 %% and 99 %% quantiles): the network's input is scaled by (IQR / 1.349)² = %.4g",
                              path.c_str(), v, v / scale.winsorized, scale.quartile));
  heavy = heavy || scale.heavy_tailed;
  return scale.variance;
}

// The configuration of a new run from the options, before the data are seen.
RunConfig new_config(const TrainRequest& a) {
  if (a.data.empty()) throw std::runtime_error("--data is required (or --resume an existing run)");
  if (a.train.label_lr() != 1.0 && a.labels.empty())
    throw std::runtime_error("--label-lr sets how fast labels are learned: it needs --labels");
  if (a.objective.null_consistency() != 0.0 && a.labels.empty() && a.cond.empty())
    throw std::runtime_error("--null-consistency trains the null condition: it needs --labels or --cond");
  if (a.objective.null_consistency() != 0.0 && a.objective.p_uncond() == 0.0)
    throw std::runtime_error("--null-consistency acts on the rows trained on the null condition: it needs --p-uncond > 0");
  RunConfig config;
  config.process = make_process(a.process, a.proc)->config();
  config.output = a.output;
  config.objective = a.objective;
  config.train = a.train;
  if (!a.steps_given && (!a.cond.empty() || !a.labels.empty() || !a.joint.empty())) config.train.steps(kConditionalSteps);
  // --holdout 0 trains on every row: nothing to stop on, so the default patience goes too.
  if (config.train.holdout() == 0 && std::count(a.fixed_given.begin(), a.fixed_given.end(), "--patience") == 0)
    config.train.patience(0).cooldown(0);
  config.data_path = absolute(a.data);
  if (!a.cond.empty()) config.cond_kind = CondKind::kVector, config.cond_path = absolute(a.cond);
  if (!a.labels.empty()) config.cond_kind = CondKind::kLabels, config.cond_path = absolute(a.labels);
  if (a.marginals) {
    if (!a.cond.empty() || !a.labels.empty()) throw std::runtime_error("--marginals takes no --cond or --labels");
    config.cond_kind = CondKind::kCoordinates;
    config.objective.p_uncond(0.0);  // every row is some coordinate: the null label is never needed
  }
  if (!a.joint.empty()) {
    if (!a.cond.empty() || !a.labels.empty() || a.marginals)
      throw std::runtime_error("--joint takes no --cond, --labels or --marginals");
    config.cond_kind = CondKind::kJoint, config.cond_path = absolute(a.joint);
    config.objective.p_uncond(0.0);  // every row is some block of Z: the null label is never needed
  }
  return config;
}

// The configuration a resumed run keeps: only --steps may change (the trainer refuses fewer than the run
// has done), and --data may point at the same data elsewhere.
RunConfig resumed_config(const TrainRequest& a) {
  for (const auto* given : {&a.fixed_given, &a.shape_given})
    if (!given->empty())
      throw std::runtime_error(given->front() + " cannot change on --resume: the run keeps its configuration");
  auto config = read_run_config(a.out);
  if (!a.data.empty()) config.data_path = absolute(a.data);
  if (!a.cond.empty() || !a.labels.empty() || !a.joint.empty() || a.marginals)
    throw std::runtime_error("--cond, --labels, --joint and --marginals cannot change on --resume: the run keeps " +
                             (config.cond_path.empty() ? std::string("no conditioning") : config.cond_path));
  return config;
}

// The run --init names, whose process, network and scales a fine-tune takes: the flags that set them must
// not be given, and the fine-tune's data must be conditioned as that run's was.
RunConfig init_source(const TrainRequest& a, CondKind kind) {
  if (!a.shape_given.empty())
    throw std::runtime_error(a.shape_given.front() + " comes from the --init run " + a.init + ": a fine-tune keeps its network");
  auto source = read_run_config(a.init);
  if (source.cond_kind != kind)
    throw std::runtime_error(run_file(a.init, "config.json") + ": the run's condition is " + name(source.cond_kind) +
                             ", this run's is " + name(kind) + ": a fine-tune keeps its conditioning");
  return source;
}

// Members 1 … K−1 of the run's ensemble, K the larger of the request's and the members already trained + 1:
// each a run of the same configuration in RUN/ensemble/k, trained on a bootstrap resample of the training rows,
// resumed where it has a checkpoint.
std::vector<TrainResult> train_members(const TrainRequest& a, const PreparedRun& run, const torch::Device& device,
                                       const TrainCallbacks& callbacks) {
  const auto members = std::max<int64_t>(a.ensemble, static_cast<int64_t>(ensemble_members(a.out).size()) + 1);
  std::vector<TrainResult> results;
  for (int64_t k = 1; k < members; ++k) {
    auto config = run.config;
    config.train.member(k);
    const auto dir = member_dir(a.out, k);
    results.push_back(diffinfo::train(config, run.data, dir, file_exists(run_file(dir, "checkpoint.pt")), device, callbacks, a.group));
  }
  return results;
}

// The members' lines of the report: text and JSON.
void report_members(Report& r, const std::string& out, const std::vector<TrainResult>& members) {
  if (members.empty()) return;
  auto& list = r.json["ensemble"] = nlohmann::json::array();
  std::ostringstream text;
  text << "ensemble of " << members.size() + 1 << " networks (" << out << " and " << out << "/ensemble/1 … "
       << members.size() << ", each on a bootstrap resample of the rows trained on): the measuring commands use all\n";
  for (size_t i = 0; i < members.size(); ++i) {
    const auto& m = members[i];
    text << "  member " << i + 1 << ": steps " << m.start_step << " -> " << m.steps << ", " << m.seconds << " s";
    if (m.best_step > 0) text << ", kept step " << m.best_step << " (held-out loss " << m.holdout.value << ")";
    text << "\n";
    nlohmann::json j = {{"member", i + 1}, {"run", member_dir(out, static_cast<int64_t>(i + 1))}, {"start_step", m.start_step},
                        {"steps", m.steps}, {"seconds", m.seconds}};
    if (m.best_step > 0) j["best_step"] = m.best_step, j["holdout"] = to_json(m.holdout);
    list.push_back(j);
  }
  r.text += text.str();
}

}  // namespace

double mean_variance(const torch::Tensor& x) { return std::max(x.var(0).mean().item<double>(), 1e-12); }

PreparedRun prepare_run(const TrainRequest& a) {
  RunConfig config = a.resume ? resumed_config(a) : new_config(a);
  const int64_t recorded_steps = a.resume ? config.train.steps() : 0;
  std::vector<std::string> warnings;
  if (a.resume && a.steps_given) config.train.steps(a.train.steps());
  std::optional<RunConfig> source;
  if (!a.resume && !a.init.empty()) {
    source = init_source(a, config.cond_kind);
    config.init_run = absolute(a.init);
    config.process = source->process;
    config.output = source->output;
  }
  // The run whose network this one is (itself on --resume): the data must fit it.
  const RunConfig* trained = source ? &*source : a.resume ? &config : nullptr;
  const std::string trained_dir = source ? a.init : a.out;
  auto x = load_matrix(config.data_path);
  torch::Tensor cond;
  const int64_t columns = x.size(1);
  if (config.cond_kind == CondKind::kCoordinates) std::tie(x, cond) = stack_coordinates(x);
  if (config.cond_kind == CondKind::kVector) cond = load_matrix(config.cond_path);
  if (config.cond_kind == CondKind::kLabels) cond = load_labels(config.cond_path, trained ? trained->model.classes() : 0);
  if (config.cond_kind == CondKind::kJoint) {
    const auto y = load_matrix(config.cond_path);
    if (y.size(0) != x.size(0))
      throw std::runtime_error(config.cond_path + ": expected " + std::to_string(x.size(0)) + " rows (one per row of " +
                               config.data_path + "), got " + std::to_string(y.size(0)));
    if (trained && y.size(1) != trained->model.dim() - trained->joint_split)
      throw std::runtime_error(config.cond_path + ": has " + std::to_string(y.size(1)) + " columns, the run in " +
                               trained_dir + " was trained on " + std::to_string(trained->model.dim() - trained->joint_split));
    std::tie(x, cond) = stack_joint(x, y);
  }
  if (trained && columns != trained->data_columns())
    throw std::runtime_error(config.data_path + ": has " + std::to_string(columns) + " columns, the run in " + trained_dir +
                             " was trained on " + std::to_string(trained->data_columns()));
  if (trained && config.cond_kind == CondKind::kVector && cond.size(1) != trained->model.cond_dim())
    throw std::runtime_error(config.cond_path + ": has " + std::to_string(cond.size(1)) + " columns, the run in " +
                             trained_dir + " was trained on " + std::to_string(trained->model.cond_dim()));
  if (source) {  // the same function of the same inputs: the network and the scales of data and condition
    config.model = source->model;
    config.data_var = source->data_var, config.cond_var = source->cond_var, config.joint_split = source->joint_split;
  } else if (!a.resume) {
    if (a.net.arch != "mlp" && (config.cond_kind == CondKind::kCoordinates || config.cond_kind == CondKind::kJoint))
      throw std::runtime_error("--arch " + a.net.arch + " models images: it takes no --joint or --marginals");
    config.model = network_options(a.net, config.data_path, x.size(1), !a.labels.empty());
    bool heavy = false;
    if (config.cond_kind == CondKind::kJoint) {  // each block keeps its own scale (score_model.h)
      config.model.classes(3), config.joint_split = columns;
      config.data_var = data_variance(x.narrow(1, 0, columns), config.data_path, warnings, heavy);
      config.cond_var = data_variance(x.narrow(1, columns, x.size(1) - columns), config.cond_path, warnings, heavy);
    } else {
      config.data_var = data_variance(x, config.data_path, warnings, heavy);
    }
    if (config.cond_kind == CondKind::kVector) {
      config.model.cond_dim(cond.size(1));
      config.cond_var = data_variance(cond, config.cond_path, warnings, heavy);
    }
    if (config.cond_kind == CondKind::kLabels) config.model.classes(cond.max().item<int64_t>() + 1);
    if (config.cond_kind == CondKind::kCoordinates) config.model.classes(columns);
    // Far out in heavy tails the entropy output must grow like x while the score tends to 0: the
    // network's extrapolation error there swamps MINDE and S_NN (docs/bmi.md). A score output does not.
    const bool output_given = std::count(a.shape_given.begin(), a.shape_given.end(), "--output") > 0;
    if (heavy && !output_given && config.output == "entropy") {
      config.output = "score";
      warnings.push_back("diffinfo: warning: heavy-tailed data: the network outputs the score (--output score); "
                         "pass --output entropy to keep the entropy output");
    }
  }
  if (!a.resume)
    config.data_rows = x.size(0) / (config.cond_kind == CondKind::kCoordinates ? columns
                                    : config.cond_kind == CondKind::kJoint     ? 3
                                                                               : 1);
  return {std::move(config), TrainData(x, cond), recorded_steps, std::move(warnings)};
}

Report run_train(const TrainRequest& a, const TrainCallbacks& callbacks) {
  if (a.ensemble < 1 || a.ensemble > kMaxMembers)
    throw std::runtime_error("--ensemble must lie in 1…" + std::to_string(kMaxMembers) + ", got " + std::to_string(a.ensemble));
  const auto device = device_from_name(a.device);
  const auto run = prepare_run(a);
  const auto result = diffinfo::train(run.config, run.data, a.out, a.resume, device, callbacks, a.group);
  const auto members = train_members(a, run, device, callbacks);
  Report r;
  r.warnings = run.warnings;
  r.warnings.insert(r.warnings.end(), result.warnings.begin(), result.warnings.end());
  if (a.resume && run.recorded_steps != run.config.train.steps())
    r.warnings.push_back(run_file(a.out, "config.json") + ": steps " + std::to_string(run.recorded_steps) + " -> " +
                         std::to_string(run.config.train.steps()) + " (--steps); the rest of the run is as it was");
  std::ostringstream text;
  if (result.was_complete())
    text << a.out << (!result.stopped                   ? " is already trained to step "
                      : result.holdout_information ? " ended on its held-out loss and information at step "
                                                   : " ended on its held-out loss at step ")
         << result.steps
         << " (pass a larger --steps to go on)\n";
  else
    text << "trained " << a.out
         << (!a.init.empty() ? " from " + a.init + " (step " + std::to_string(result.init_step) + ")" : "") << ": steps "
         << result.start_step << " -> " << result.steps << ", final loss " << result.final_loss << ", " << result.seconds
         << " s" << (a.group.size() > 1 ? " on " + std::to_string(a.group.size()) + " ranks (all-reduce " +
                                                  format("%.2f", result.allreduce_seconds) + " s)" : std::string())
         << "\n";
  if (run.config.train.holdout() > 0)
    text << "held out " << held_out_count(run.config.train.holdout(), run.config.data_rows) << " of " << run.config.data_rows
         << " rows (" << run_file(a.out, "holdout.npy") << "): the measuring commands use them by default\n";
  const std::string stopped = result.stopped ? " (stopped by --patience)" : "";
  if (result.holdout_information)
    text << "held-out information I(X;Y) " << result.holdout_information->value << " ± " << result.holdout_information->std_error
         << " nats (MMSE gap) at the kept step " << result.best_step << stopped << ", held-out loss " << result.holdout.value
         << ": " << a.out << "/checkpoint.pt holds those weights\n";
  else if (result.best_step > 0)
    text << "held-out loss " << result.holdout.value << " ± " << result.holdout.std_error << " is lowest at step "
         << result.best_step << stopped << ": " << a.out << "/checkpoint.pt holds those weights\n";
  r.text = text.str();
  r.json = {{"run", a.out},
            {"start_step", result.start_step},
            {"steps", result.steps},
            {"final_loss", result.final_loss},
            {"seconds", result.seconds},
            {"ranks", a.group.size()},
            {"allreduce_seconds", result.allreduce_seconds}};
  if (result.best_step > 0) r.json["best_step"] = result.best_step, r.json["holdout"] = to_json(result.holdout);
  if (result.holdout_information) r.json["holdout_information"] = to_json(*result.holdout_information);
  if (run.config.train.holdout() > 0)
    r.json["held_out_rows"] = held_out_count(run.config.train.holdout(), run.config.data_rows), r.json["stopped_early"] = result.stopped;
  report_members(r, a.out, members);
  return r;
}

TrainResult train_or_resume(RunConfig config, const TrainData& data, const std::string& dir, const torch::Device& device,
                            const TrainCallbacks& callbacks) {
  config.data_rows = data.x.size(0);
  config.data_var = mean_variance(data.x);
  return diffinfo::train(config, data, dir, file_exists(run_file(dir, "checkpoint.pt")), device, callbacks);
}

}  // namespace diffinfo::app
