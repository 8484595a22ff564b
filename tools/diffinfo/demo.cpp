// diffinfo demo: the whole pipeline on an embedded default, against the exact answer.
#include "commands.h"

#include "diffinfo/analytic/reference.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/data/synthetic.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/report/curves.h"
#include "diffinfo/train/trainer.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace diffinfo::cli {
namespace {

struct DemoArgs {
  std::string out = "demo_run", device = "cpu";
  int64_t dim = 6, rows = 20000, steps = TrainOptions().steps();
  uint64_t seed = 0;
};

void run_demo(const DemoArgs& a) {
  const auto device = parse_device(a.device);
  std::filesystem::create_directories(a.out);
  auto gen = make_generator(a.seed);
  const auto data = make_gaussian(GaussianSpec().dim(a.dim).seed(a.seed), a.rows, gen);
  const auto data_path = std::filesystem::absolute(run_file(a.out, "data.npy")).string();
  write_npy(data_path, data.x.to(torch::kFloat32));
  write_text_atomic(run_file(a.out, "data.spec.json"), data.spec.dump(2) + "\n");

  RunConfig config;
  config.process = make_process("vp")->config();
  config.model = NetworkOptions(a.dim);
  config.train.steps(a.steps).seed(a.seed);
  config.data_path = data_path;
  std::printf("diffinfo demo: %lld samples of a %lld-D Gaussian with a random covariance, VP process, %lld steps\n",
              static_cast<long long>(a.rows), static_cast<long long>(a.dim), static_cast<long long>(a.steps));
  // A finished demo in --out is measured again rather than retrained.
  const auto trained = train_or_resume(config, data.x, a.out, device, "train");
  if (trained.was_complete())
    std::printf("%s already holds the trained run (step %lld): measuring it again\n", a.out.c_str(),
                static_cast<long long>(trained.start_step));
  else
    std::printf("trained in %.1f s (final loss %.4f)\n", trained.seconds, trained.final_loss);

  const auto run = load_run(a.out, device);
  const auto x = data.x.to(device, torch::kFloat32);
  EntropyOptions options;
  options.seed(a.seed);
  const auto model = run.model;
  const auto neural = neural_entropy(
      *run.process, [&](const torch::Tensor& xs, const torch::Tensor& s) { return model->residual(xs, s); }, x, options);
  const auto exact = exact_entropy(data.spec, *run.process, x, options);
  const auto csv = run_file(a.out, "entropy_rate.csv");
  const auto png = run_file(a.out, "entropy_rate.png");
  write_entropy_csv(csv, neural, &exact.curve);
  std::string plotted = png;
  try {
    plot_entropy(png, neural, &exact.curve, "diffinfo demo: 6-D Gaussian, VP process");
  } catch (const std::exception& e) {
    plotted = std::string("not drawn (") + e.what() + ")";
  }
  const double rel = neural.total.value / exact.total.value - 1.0;
  std::printf("\n  neural entropy   S_NN  = %8.4f ± %.4f nats\n", neural.total.value, neural.total.std_error);
  std::printf("  exact            S_tot = %8.4f nats (closed form)\n", exact.total.value);
  std::printf("  relative error           %+.2f %% (%.1f stderr)\n\n", 100.0 * rel,
              (neural.total.value - exact.total.value) / neural.total.std_error);
  std::printf("curve: %s\nplot:  %s\nrun:   %s (measure again with: diffinfo entropy --run %s --exact %s)\n", csv.c_str(),
              plotted.c_str(), a.out.c_str(), a.out.c_str(), run_file(a.out, "data.spec.json").c_str());
}

}  // namespace

void add_demo(CLI::App& app) {
  auto a = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand("demo", "Train on an embedded 6-D Gaussian and compare S_NN with the exact S_tot");
  cmd->add_option("--out", a->out, "run directory")->capture_default_str();
  cmd->add_option("--device", a->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--steps", a->steps, "training steps")->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of data, training and measurement")->capture_default_str();
  cmd->callback([a] { run_demo(*a); });
}

}  // namespace diffinfo::cli
