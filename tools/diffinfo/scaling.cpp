// diffinfo scaling: neural entropy against training-set size (seed 000: S_NN grows about linearly in
// ln N on images). One model per size on nested random subsets of the data, then a least-squares fit
// of S_NN against ln N with the slope's stderr, a table and a plot with the residuals.
#include "commands.h"

#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/info/regression.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/report/curves.h"
#include "diffinfo/train/trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace diffinfo::cli {
namespace {

struct ScalingArgs {
  std::string data, out = "scaling", process = "vp", device = "cpu";
  std::vector<int64_t> sizes;
  int64_t steps = TrainOptions().steps(), batch = TrainOptions().batch_size();
  NetworkArgs net;
  bool json = false;
  EntropyOptions options;
};

void run_scaling(const ScalingArgs& a) {
  const auto device = parse_device(a.device);
  const auto x = load_matrix(a.data);
  auto sizes = a.sizes;
  std::sort(sizes.begin(), sizes.end());
  if (sizes.size() < 3) throw std::runtime_error("--sizes needs at least 3 training-set sizes to fit a line");
  if (sizes.front() < 2 || sizes.back() > x.size(0))
    throw std::runtime_error(a.data + ": has " + std::to_string(x.size(0)) + " rows; --sizes must lie in [2, " +
                             std::to_string(x.size(0)) + "]");
  const auto network = a.net.options(a.data, x.size(1), false);  // one network shape for every N; no labels
  std::filesystem::create_directories(a.out);
  auto gen = make_generator(a.options.seed());
  const auto order = torch::randperm(x.size(0), gen, torch::kInt64);  // nested subsets: each holds the smaller ones
  std::vector<Estimate> s_nn;
  nlohmann::json points = nlohmann::json::array();
  for (const auto n : sizes) {
    const auto dir = run_file(a.out, "run-n" + std::to_string(n));
    const auto path = std::filesystem::absolute(run_file(a.out, "n" + std::to_string(n) + ".npy")).string();
    const auto subset = x.index_select(0, order.narrow(0, 0, n));
    if (!file_exists(path)) write_npy(path, subset.to(torch::kFloat32));
    RunConfig config;
    config.process = make_process(a.process)->config();
    config.model = network;
    config.train.steps(a.steps).batch_size(a.batch).seed(a.options.seed());
    config.data_path = path;
    train_or_resume(config, subset, dir, device, "train N = " + std::to_string(n));
    const auto run = load_run(dir, device);
    const auto model = run.model;
    const auto profile = neural_entropy(
        *run.process, [&](const torch::Tensor& xs, const torch::Tensor& s) { return model->residual(xs, s); },
        subset.to(device, torch::kFloat32), measure_options(a.options, run.config));
    write_entropy_csv(run_file(dir, "entropy_rate.csv"), profile, nullptr);
    s_nn.push_back(profile.total);
    points.push_back({{"n", n}, {"neural_entropy", to_json(profile.total)}, {"run", dir}});
    if (!a.json)
      std::printf("N = %-7lld S_NN = %10.4f ± %.4f nats\n", static_cast<long long>(n), profile.total.value,
                profile.total.std_error);
    std::fflush(stdout);
  }
  std::vector<double> ln_n, values;
  for (size_t i = 0; i < sizes.size(); ++i) ln_n.push_back(std::log(double(sizes[i]))), values.push_back(s_nn[i].value);
  const auto fit = fit_line(ln_n, values);
  const auto csv = run_file(a.out, "scaling.csv");
  write_scaling_csv(csv, sizes, s_nn, fit);
  std::string plot = run_file(a.out, "scaling.png");
  try {
    plot_scaling(plot, sizes, s_nn, fit, "S_{NN} against training-set size (" + a.data + ")");
  } catch (const std::exception& e) {
    plot = std::string("not drawn (") + e.what() + ")";
  }
  const nlohmann::json summary = {{"slope", to_json(fit.slope)},
                                  {"intercept", to_json(fit.intercept)},
                                  {"r_squared", fit.r_squared},
                                  {"fit", "least squares of S_NN on ln N; stderrs from the residuals"},
                                  {"points", points},
                                  {"data", a.data},
                                  {"steps", a.steps},
                                  {"batch", a.batch},
                                  {"process", make_process(a.process)->config()},
                                  {"table", csv},
                                  {"plot", plot}};
  write_text_atomic(run_file(a.out, "summary.json"), summary.dump(2) + "\n");
  if (a.json) {
    std::cout << summary.dump(2) << "\n";
    return;
  }
  std::printf("S_NN = %.2f ± %.2f + (%.2f ± %.2f) ln N  (R² %.3f, %zu sizes)\ntable: %s\nplot:  %s\n", fit.intercept.value,
              fit.intercept.std_error, fit.slope.value, fit.slope.std_error, fit.r_squared, sizes.size(), csv.c_str(),
              plot.c_str());
}

}  // namespace

void add_scaling(CLI::App& app) {
  auto a = std::make_shared<ScalingArgs>();
  auto* cmd = app.add_subcommand("scaling", "Neural entropy against training-set size N: one model per N, fit of S_NN on ln N");
  cmd->add_option("--data", a->data, "data [N, D] .npy or .csv (images: 'diffinfo images' writes them)")->required();
  cmd->add_option("--sizes", a->sizes, "training-set sizes (at least 3), nested random subsets")->required();
  cmd->add_option("--out", a->out, "directory for the subsets, runs, table and plot")->capture_default_str();
  cmd->add_option("--process", a->process, "forward process: vp | vpx | sl | ve")
      ->check(CLI::IsMember(process_names()))
      ->capture_default_str();
  cmd->add_option("--steps", a->steps, "training steps per model")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--batch", a->batch, "batch size (a U-Net on a CPU: 64)")->check(CLI::PositiveNumber)->capture_default_str();
  a->net.add(cmd);
  cmd->add_flag("--json", a->json, "print the summary JSON on stdout");
  add_measure_options(cmd, a->device, a->options);
  cmd->callback([a] { run_scaling(*a); });
}

}  // namespace diffinfo::cli
