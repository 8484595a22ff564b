// Speed of training and measurement, against the machine's own sgemm rate and a plain
// LibTorch training loop of the same shape. Run: build/diffinfo_bench
// (ratios are meaningful within one run; these machines are noisy across runs).
#include "diffinfo/analytic/gaussian.h"
#include "diffinfo/cpu.h"
#include "diffinfo/data/stacking.h"
#include "diffinfo/measure/label_posterior.h"
#include "diffinfo/measure/likelihood.h"
#include "diffinfo/measure/mutual_information.h"
#include "diffinfo/model/export.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/model/torchscript.h"
#include "diffinfo/model/unet.h"
#include "diffinfo/random.h"
#include "diffinfo/train/trainer.h"

#include <benchmark/benchmark.h>

#include <filesystem>

namespace {

// As the CLI does, before the first tensor operation (benchmark_main owns main).
const bool kTuned = (diffinfo::tune_cpu_process(), true);

constexpr int64_t kDim = 25, kBatch = 256;

// The MLP's input width: x, τ and the sin/cos Fourier features of τ (model/mlp.h).
int64_t mlp_input(const diffinfo::NetworkOptions& o) { return o.dim() + 2 * o.fourier() + 1 + o.cond_dim(); }

// Multiply-adds of one forward pass through the MLP per sample (weights only).
double mlp_macs(int64_t width, int64_t depth, int64_t in) {
  return double(in) * width + double(depth - 1) * width * width + double(width) * kDim;
}

torch::Tensor data() {
  static auto x = [] {
    auto gen = diffinfo::make_generator(0);
    return diffinfo::GaussianData(torch::zeros({kDim}, torch::kFloat64), torch::eye(kDim, torch::kFloat64))
        .as_mixture()
        .sample(20000, gen);
  }();
  return x;
}

void set_flops(benchmark::State& state, double flops_per_item) {
  state.counters["GFLOP/s"] = benchmark::Counter(flops_per_item * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// One diffinfo training run of `steps` steps: sampling, loss, backward, Adam, EMA, final checkpoint.
void BM_TrainSteps(benchmark::State& state) {
  const int64_t width = state.range(0), steps = 200;
  diffinfo::RunConfig c;
  c.process = diffinfo::make_process("vp")->config();
  c.model = diffinfo::NetworkOptions(kDim).width(width);
  c.train.steps(steps).batch_size(kBatch).checkpoint_every(1000000).log_every(steps);
  c.data_path = "memory";
  const auto dir = std::filesystem::temp_directory_path() / "diffinfo-bench-run";
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    diffinfo::train(c, data(), dir.string(), false, torch::kCPU);
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * steps);
  // Forward + backward ≈ 3 × forward, 2 flops per multiply-add.
  set_flops(state, steps * 6.0 * kBatch * mlp_macs(width, c.model.depth(), mlp_input(c.model)));
}
BENCHMARK(BM_TrainSteps)->Arg(64)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

// The reference: a plain LibTorch MLP regression loop of the same shape, nothing else.
void BM_PlainLibTorchSteps(benchmark::State& state) {
  const int64_t width = state.range(0), steps = 200, in = mlp_input(diffinfo::NetworkOptions(kDim));
  torch::nn::Sequential net(torch::nn::Linear(in, width), torch::nn::SiLU(), torch::nn::Linear(width, width),
                            torch::nn::SiLU(), torch::nn::Linear(width, width), torch::nn::SiLU(),
                            torch::nn::Linear(width, kDim));
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
  auto x = torch::randn({kBatch, in}), y = torch::randn({kBatch, kDim});
  for (auto _ : state) {
    for (int64_t i = 0; i < steps; ++i) {
      opt.zero_grad();
      auto loss = (net->forward(x) - y).pow(2).mean();
      loss.backward();
      opt.step();
    }
  }
  state.SetItemsProcessed(state.iterations() * steps);
  set_flops(state, steps * 6.0 * kBatch * mlp_macs(width, 3, in));
}
BENCHMARK(BM_PlainLibTorchSteps)->Arg(64)->Arg(128)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

// The machine's sgemm rate through LibTorch (OpenBLAS), the ceiling for both loops above.
void BM_Sgemm(benchmark::State& state) {
  const int64_t n = state.range(0);
  auto a = torch::randn({n, n}), b = torch::randn({n, n});
  for (auto _ : state) benchmark::DoNotOptimize(torch::mm(a, b));
  set_flops(state, 2.0 * n * n * n);
}
BENCHMARK(BM_Sgemm)->Arg(256)->Arg(512)->Unit(benchmark::kMicrosecond);

// The default neural-entropy measurement of `model` on the bench's data, once per iteration; returns
// the points measured per iteration (items = (s, x0, ε) points).
double measure_points(benchmark::State& state, const diffinfo::ForwardProcess& process, const diffinfo::Scorer& model) {
  const auto x = data().to(torch::kFloat32);
  const auto opts = diffinfo::EntropyOptions();
  auto residual = [&](const torch::Tensor& xs, const torch::Tensor& s) { return model.residual(xs, s); };
  for (auto _ : state) benchmark::DoNotOptimize(diffinfo::neural_entropy(process, residual, x, opts).total.value);
  const double points = double(opts.points() * opts.samples_per_point());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(points));
  return points;
}

// Neural-entropy measurement: network evaluations per second.
void BM_MeasurePoints(benchmark::State& state) {
  const int64_t width = state.range(0);
  auto process = std::shared_ptr<const diffinfo::ForwardProcess>(diffinfo::make_process("vp"));
  diffinfo::Mlp net(diffinfo::NetworkOptions(kDim).width(width));
  const double points = measure_points(state, *process, diffinfo::ScoreModel(process, net, "entropy", 1.0));
  set_flops(state, points * 2.0 * mlp_macs(width, net->options().depth(), mlp_input(net->options())));
}
BENCHMARK(BM_MeasurePoints)->Arg(64)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

// The same measurement through TorchScript: the network exported (diffinfo export) and loaded back as
// a model from elsewhere (--model), against BM_MeasurePoints of the same width.
void BM_MeasureTorchScript(benchmark::State& state) {
  const int64_t width = state.range(0);
  auto process = std::shared_ptr<const diffinfo::ForwardProcess>(diffinfo::make_process("vp"));
  diffinfo::Mlp net(diffinfo::NetworkOptions(kDim).width(width));
  diffinfo::ScoreModel native(process, net, "entropy", 1.0);
  const auto path = (std::filesystem::temp_directory_path() / ("diffinfo_bench_" + std::to_string(width) + ".pt")).string();
  diffinfo::export_torchscript(native, path);
  diffinfo::ModelCard card;
  card.prediction = diffinfo::Prediction::kEntropy;
  card.time_input = diffinfo::TimeInput::kS;
  card.shape = {kDim};
  measure_points(state, *process, diffinfo::TorchScriptModel(path, card, process, torch::kCPU));
  std::filesystem::remove(path);
}
BENCHMARK(BM_MeasureTorchScript)->Arg(64)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);

// Probability-flow ODE likelihood of 256 samples (D = 25, width 256), batched: Arg 0 Heun 50 steps with the
// exact divergence (25 backward passes per evaluation), 1 the same with one Hutchinson probe, 2 adaptive
// RK45 (rtol = atol = 1e-5) with the exact divergence. Counters: NLL evaluations (samples) per second and
// ODE function evaluations per second, each counted per sample.
void BM_OdeLikelihood(benchmark::State& state) {
  auto process = std::shared_ptr<const diffinfo::ForwardProcess>(diffinfo::make_process("vp"));
  diffinfo::Mlp net(diffinfo::NetworkOptions(kDim).width(256));
  {
    torch::NoGradGuard no_grad;  // a non-trivial output layer, as after training
    auto gen = diffinfo::make_generator(1);
    for (auto& p : net->parameters()) p.copy_(diffinfo::randn(p.sizes(), gen, p.options()) * 0.05);
  }
  diffinfo::ScoreModel model(process, net, "entropy", 1.0);
  const auto x = data().slice(0, 0, 256).to(torch::kFloat32);
  diffinfo::ScoreFn score = [&](const torch::Tensor& z, const torch::Tensor& s) {
    return model.score(z.to(torch::kFloat32), s.to(torch::kFloat32)).to(z.scalar_type());
  };
  auto opts = diffinfo::LikelihoodOptions().solver(state.range(0) == 2 ? "rk45" : "heun").steps(50).batch_size(256);
  if (state.range(0) == 1) opts.divergence(diffinfo::DivergenceOptions().method("hutchinson"));
  double nfe = 0;
  for (auto _ : state) nfe = diffinfo::ode_likelihood(*process, score, x, opts).nfe;
  state.SetItemsProcessed(state.iterations() * x.size(0));
  state.counters["NLL/s"] = benchmark::Counter(double(x.size(0)), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["evals/s"] = benchmark::Counter(nfe * double(x.size(0)), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["nfe"] = nfe;
}
BENCHMARK(BM_OdeLikelihood)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// Conditional training at width 256 beside BM_TrainSteps/256: vectors (D_Y = 15), labels (K = 10)
// and joint diffusion of Z = [X, Y] (D = 25 + 15, three blocks).
void BM_TrainConditional(benchmark::State& state) {
  const int64_t kind = state.range(0), steps = 200, dim_y = 15;
  diffinfo::RunConfig c;
  c.process = diffinfo::make_process("vp")->config();
  c.train.steps(steps).batch_size(kBatch).checkpoint_every(1000000).log_every(steps);
  c.data_path = "memory";
  auto gen = diffinfo::make_generator(1);
  const auto y = torch::randn({data().size(0), dim_y}, gen, torch::kFloat64);
  diffinfo::TrainData train_data(data());
  if (kind == 0) {
    c.cond_kind = diffinfo::CondKind::kVector, c.model = diffinfo::NetworkOptions(kDim).cond_dim(dim_y);
    train_data.cond = y;
  } else if (kind == 1) {
    c.cond_kind = diffinfo::CondKind::kLabels, c.model = diffinfo::NetworkOptions(kDim).classes(10);
    train_data.cond = torch::randint(10, {data().size(0)}, gen, torch::kInt64);
  } else {
    c.cond_kind = diffinfo::CondKind::kJoint, c.model = diffinfo::NetworkOptions(kDim + dim_y).classes(3), c.joint_split = kDim;
    c.objective.p_uncond(0.0);
    std::tie(train_data.x, train_data.cond) = diffinfo::stack_joint(data(), y);
  }
  state.SetLabel(diffinfo::name(c.cond_kind));
  const auto dir = std::filesystem::temp_directory_path() / "diffinfo-bench-run";
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    diffinfo::train(c, train_data, dir.string(), false, torch::kCPU);
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * steps);
}
BENCHMARK(BM_TrainConditional)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// MI measurement at width 256: (s, x0, ε) points per second for MINDE and the entropy difference
// together; a conditional model costs 2 network evaluations per point, a joint one 3.
void BM_MutualInformationPoints(benchmark::State& state) {
  const bool joint = state.range(0) == 1;
  const int64_t dim_y = 15;
  auto process = std::shared_ptr<const diffinfo::ForwardProcess>(diffinfo::make_process("vp"));
  const auto opts = diffinfo::EntropyOptions();
  auto gen = diffinfo::make_generator(1);
  const auto x = data().to(torch::kFloat32);
  const auto y = torch::randn({x.size(0), dim_y}, gen, torch::kFloat32);
  diffinfo::Mlp net(joint ? diffinfo::NetworkOptions(kDim + dim_y).classes(3) : diffinfo::NetworkOptions(kDim).cond_dim(dim_y));
  const diffinfo::ScoreModel model(process, net, "entropy", 1.0, 1.0, joint ? kDim : 0);
  auto residual = [&](const torch::Tensor& xs, const torch::Tensor& s, const diffinfo::Condition& c) {
    return model.residual(xs, s, c);
  };
  state.SetLabel(joint ? "joint" : "conditional");
  for (auto _ : state) {
    const auto mi = joint ? diffinfo::joint_mutual_information(*process, residual, x, y, opts)
                          : diffinfo::mutual_information(*process, residual, x, y, opts);
    benchmark::DoNotOptimize(mi.minde.total.value);
  }
  state.SetItemsProcessed(state.iterations() * opts.points() * opts.samples_per_point());
}
BENCHMARK(BM_MutualInformationPoints)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The label posterior along generation at width 256, D = 25, K classes: trajectory steps per
// second (items = trajectories × steps; each step evaluates the network K + 1 times).
void BM_LabelPosterior(benchmark::State& state) {
  const int64_t classes = state.range(0);
  auto process = std::shared_ptr<const diffinfo::ForwardProcess>(diffinfo::make_process("vp"));
  diffinfo::Mlp net(diffinfo::NetworkOptions(kDim).classes(classes));
  const diffinfo::ScoreModel model(process, net, "entropy", 1.0);
  const auto opts = diffinfo::PosteriorOptions().trajectories(1024).steps(50).batch_size(1024);
  const auto prior = torch::full({classes}, 1.0 / static_cast<double>(classes), torch::kFloat64);
  auto score = [&](const torch::Tensor& x, const torch::Tensor& s, const diffinfo::Condition& c) { return model.score(x, s, c); };
  for (auto _ : state)
    benchmark::DoNotOptimize(diffinfo::label_posterior(*process, score, prior, kDim, opts, torch::kCPU).entropy.back().value);
  state.SetItemsProcessed(state.iterations() * opts.trajectories() * opts.steps());
}
BENCHMARK(BM_LabelPosterior)->Arg(2)->Arg(10)->Unit(benchmark::kMillisecond);

// U-Nets on Fashion-MNIST-sized images (1×28×28), Arg 0 the `tiny` preset, 1 `small`. Counters: images/s.
const char* unet_preset_name(int64_t arg) { return arg == 0 ? "tiny" : "small"; }

torch::Tensor images(int64_t n) {
  auto gen = diffinfo::make_generator(0);
  return diffinfo::randn({n, 784}, gen, torch::dtype(torch::kFloat32)).clamp(-1, 1);
}

// One diffinfo training run of 10 steps of 64 images (sampling, loss, backward, Adam, EMA, final checkpoint).
void BM_UNetTrain(benchmark::State& state) {
  const int64_t steps = 10, batch = 64;
  diffinfo::RunConfig c;
  c.process = diffinfo::make_process("vp")->config();
  c.model = diffinfo::unet_preset(unet_preset_name(state.range(0)), {1, 28, 28});
  c.train.steps(steps).batch_size(batch).checkpoint_every(1000000).log_every(steps);
  c.data_path = "memory";
  const auto x = images(2048);
  const auto dir = std::filesystem::temp_directory_path() / "diffinfo-bench-unet";
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    diffinfo::train(c, x, dir.string(), false, torch::kCPU);
  }
  std::filesystem::remove_all(dir);
  state.counters["images/s"] = benchmark::Counter(double(steps * batch), benchmark::Counter::kIsIterationInvariantRate);
  int64_t parameters = 0;
  for (const auto& p : diffinfo::make_network(c.model)->parameters()) parameters += p.numel();
  state.counters["parameters"] = double(parameters);
}
BENCHMARK(BM_UNetTrain)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The reference: the same network in a plain LibTorch regression loop (forward, MSE, backward, Adam).
void BM_UNetPlainLibTorch(benchmark::State& state) {
  const int64_t steps = 10, batch = 64;
  diffinfo::UNet net(diffinfo::unet_preset(unet_preset_name(state.range(0)), {1, 28, 28}));
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
  auto x = images(batch), y = images(batch), tau = torch::rand({batch, 1});
  for (auto _ : state) {
    for (int64_t i = 0; i < steps; ++i) {
      opt.zero_grad();
      auto loss = (net->forward(x, tau) - y).pow(2).mean();
      loss.backward();
      opt.step();
    }
  }
  state.counters["images/s"] = benchmark::Counter(double(steps * batch), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_UNetPlainLibTorch)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Neural-entropy measurement with a U-Net: network evaluations (noised images) per second, Arg 1 the
// rows per forward pass (the CLI uses 256 for U-Nets).
void BM_UNetMeasure(benchmark::State& state) {
  auto process = std::shared_ptr<const diffinfo::ForwardProcess>(diffinfo::make_process("vp"));
  diffinfo::UNet net(diffinfo::unet_preset(unet_preset_name(state.range(0)), {1, 28, 28}));
  net->eval();
  diffinfo::ScoreModel model(process, net, "entropy", 0.35);
  const auto x = images(2048);
  const auto opts = diffinfo::EntropyOptions().points(8).samples_per_point(128).batch_size(state.range(1));
  auto residual = [&](const torch::Tensor& xs, const torch::Tensor& s) { return model.residual(xs, s); };
  for (auto _ : state) benchmark::DoNotOptimize(diffinfo::neural_entropy(*process, residual, x, opts).total.value);
  state.counters["images/s"] = benchmark::Counter(double(opts.points() * opts.samples_per_point()),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_UNetMeasure)->Args({0, 64})->Args({0, 256})->Args({0, 1024})->Args({1, 64})->Args({1, 256})->Args({1, 1024})
    ->Unit(benchmark::kMillisecond);

}  // namespace
