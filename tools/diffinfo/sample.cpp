// diffinfo sample: draws from a trained run by the reverse SDE or the probability-flow ODE,
// unconditional, conditional, or with classifier-free guidance.
#include "commands.h"

#include "diffinfo/app/sample.h"

namespace diffinfo::cli {

void add_sample(CLI::App& app) {
  auto r = std::make_shared<app::SampleRequest>();
  auto model = std::make_shared<ModelFlags>();
  auto n = std::make_shared<int64_t>(0);
  auto& o = r->options;
  auto* cmd = app.add_subcommand("sample", "Draw samples from a trained run (reverse SDE or probability-flow ODE, optional guidance)");
  model->add(cmd, "run directory written by 'diffinfo train'", false);
  cmd->add_option("--out", r->out, "output .npy [N, D] (settings go to <stem>.json)")->required();
  auto* n_opt = cmd->add_option("--n", *n, "number of draws (with --cond/--labels: one per row)");
  auto* c = cmd->add_option("--cond", r->cond, "condition vectors Y [N, D_Y], one draw per row");
  cmd->add_option("--labels", r->labels, "class labels [N] int64, one draw per row")->excludes(c);
  cmd->add_option("--guidance-scale", o.guidance_scale(),
                  "classifier-free guidance, diffusers' sense: 1 = none; Ho-Salimans w = scale - 1")->capture_default_str();
  cmd->add_option("--sampler", o.method(), "sde (Euler-Maruyama) | ode (probability flow, Heun)")->capture_default_str();
  cmd->add_option("--steps", o.steps(), "integration steps")->capture_default_str();
  cmd->add_option("--s-end", o.s_end(), "where integration stops before the final denoising step")->capture_default_str();
  cmd->add_option("--seed", o.seed(), "seed of the prior draws and the noise")->capture_default_str();
  cmd->add_option("--device", r->device, "cpu | cuda | cuda:N")->capture_default_str();
  cmd->add_option("--grid", r->grid, "also draw the samples as an image grid, FILE.png or FILE.svg");
  cmd->add_option("--image-shape", r->image_shape, "C H W of a draw (default: from the spec 'diffinfo images' wrote)")->expected(3);
  cmd->add_option("--columns", r->columns, "images per row of the grid")->capture_default_str();
  cmd->callback([r, n, n_opt, model] {
    r->model = model->get(r->image_shape);
    if (n_opt->count() > 0) r->n = *n;
    print(app::run_sample(*r), false);
  });
}

}  // namespace diffinfo::cli
