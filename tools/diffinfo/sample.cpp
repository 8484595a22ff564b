// diffinfo sample: draws from a trained run by the reverse SDE or the probability-flow ODE,
// unconditional, conditional, or with classifier-free guidance.
#include "commands.h"

#include "diffinfo/data/npy.h"
#include "diffinfo/io/files.h"
#include "diffinfo/report/curves.h"
#include "diffinfo/sample/sampler.h"

#include <iostream>
#include <memory>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

struct SampleArgs {
  std::string run, cond, labels, out, device = "cpu", grid;
  std::vector<int64_t> image_shape;
  int64_t n = 0, columns = 10;
  SamplerOptions options;
};

// Draws [N, D] samples as images, shaped and ranged as the run's training data.
void draw_grid(const SampleArgs& a, const RunConfig& config, const torch::Tensor& x) {
  const auto l = image_layout(config.data_path, a.image_shape, x.size(1), "--grid");
  plot_image_grid(a.grid, x.reshape({x.size(0), l.shape[0], l.shape[1], l.shape[2]}), l.low, l.high, a.columns,
                  "samples of " + a.run + (a.options.guidance_scale() != 1.0 ? ", guidance scale " +
                                                                                   std::to_string(a.options.guidance_scale())
                                                                             : std::string()));
}

void run_sample(const SampleArgs& a, CLI::Option* n_opt) {
  if (!ends_with(a.out, ".npy") || a.out.size() < 5) throw std::runtime_error("--out " + a.out + ": expected a .npy file name");
  const auto device = parse_device(a.device);
  const auto run = load_run(a.run, device);
  require_model_of_x(run.config, a.run);
  Condition cond;
  int64_t n = a.n;
  if (!a.cond.empty() || !a.labels.empty()) {
    auto y = load_condition(run.config, a.run, a.cond, a.labels);
    const auto& path = a.cond.empty() ? a.labels : a.cond;
    if (n_opt->count() > 0 && n != y.size(0))
      throw std::runtime_error(path + ": has " + std::to_string(y.size(0)) + " rows but --n is " + std::to_string(n) +
                               " (one draw per condition row; drop --n)");
    n = y.size(0);
    cond = Condition(y.is_floating_point() ? y.to(device, torch::kFloat32) : y.to(device));
  } else if (n_opt->count() == 0) {
    throw std::runtime_error("--n is required for unconditional sampling");
  }
  const auto model = run.model;
  auto x = sample(
      *run.process, [&](const torch::Tensor& xs, const torch::Tensor& s, const Condition& c) { return model->score(xs, s, c); },
      cond, n, run.config.model.dim(), a.options, device);
  write_npy(a.out, x.to(torch::kCPU));
  const auto stem = a.out.substr(0, a.out.size() - 4);
  nlohmann::json info = {{"run", a.run},
                         {"step", run.step},
                         {"rows", n},
                         {"dim", x.size(1)},
                         {"condition", cond.is_null() ? "none (unconditional)" : (a.cond.empty() ? a.labels : a.cond)},
                         {"sampler", to_json(a.options)},
                         {"process", run.process->config()}};
  write_text_atomic(stem + ".json", info.dump(2) + "\n");
  if (!a.grid.empty()) draw_grid(a, run.config, x);
  std::cout << "wrote " << a.out << " [" << n << ", " << x.size(1) << "] and " << stem << ".json  (" << a.options.method()
            << ", " << a.options.steps() << " steps, guidance_scale " << a.options.guidance_scale() << ", w "
            << a.options.guidance_scale() - 1.0 << ")\n";
}

}  // namespace

void add_sample(CLI::App& app) {
  auto a = std::make_shared<SampleArgs>();
  auto* cmd = app.add_subcommand("sample", "Draw samples from a trained run (reverse SDE or probability-flow ODE, optional guidance)");
  cmd->add_option("--run", a->run, "run directory written by 'diffinfo train'")->required();
  cmd->add_option("--out", a->out, "output .npy [N, D] (settings go to <stem>.json)")->required();
  auto* n_opt = cmd->add_option("--n", a->n, "number of draws (with --cond/--labels: one per row)");
  auto* c = cmd->add_option("--cond", a->cond, "condition vectors Y [N, D_Y], one draw per row");
  cmd->add_option("--labels", a->labels, "class labels [N] int64, one draw per row")->excludes(c);
  cmd->add_option("--guidance-scale", a->options.guidance_scale(),
                  "classifier-free guidance, diffusers' sense: 1 = none; Ho-Salimans w = scale - 1")->capture_default_str();
  cmd->add_option("--sampler", a->options.method(), "sde (Euler-Maruyama) | ode (probability flow, Heun)")->capture_default_str();
  cmd->add_option("--steps", a->options.steps(), "integration steps")->capture_default_str();
  cmd->add_option("--s-end", a->options.s_end(), "where integration stops before the final denoising step")->capture_default_str();
  cmd->add_option("--seed", a->options.seed(), "seed of the prior draws and the noise")->capture_default_str();
  cmd->add_option("--device", a->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--grid", a->grid, "also draw the samples as an image grid, FILE.png or FILE.svg");
  cmd->add_option("--image-shape", a->image_shape, "C H W of a draw (default: from the spec 'diffinfo images' wrote)")
      ->expected(3);
  cmd->add_option("--columns", a->columns, "images per row of the grid")->capture_default_str();
  cmd->callback([a, n_opt] { run_sample(*a, n_opt); });
}

}  // namespace diffinfo::cli
