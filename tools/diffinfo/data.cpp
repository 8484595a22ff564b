// diffinfo data: synthetic data sets with known laws, written as .npy plus a spec JSON.
#include "commands.h"

#include "diffinfo/app/data.h"

namespace diffinfo::cli {
namespace {

CLI::App* law(CLI::App* data, const std::shared_ptr<app::DataRequest>& r, const std::string& name, const std::string& help) {
  auto* cmd = data->add_subcommand(name, help);
  cmd->add_option("--out", r->out, "output .npy (the law goes to <stem>.spec.json)")->required();
  cmd->add_option("--n", r->n, "number of samples")->capture_default_str();
  cmd->add_option("--seed", r->seed, "seed of the samples")->capture_default_str();
  cmd->callback([r, name] {
    r->law = name;
    print(app::run_data(*r), false);
  });
  return cmd;
}

}  // namespace

void add_data(CLI::App& app) {
  auto r = std::make_shared<app::DataRequest>();
  auto* cmd = app.add_subcommand("data", "Write synthetic data with a known law (.npy + spec JSON)");
  cmd->require_subcommand(1);

  auto* g = law(cmd, r, "gaussian", "N(m, C): random or isotropic covariance");
  g->add_option("--dim", r->gaussian.dim(), "dimension")->capture_default_str();
  g->add_option("--covariance", r->gaussian.covariance(), "random | isotropic")->capture_default_str();
  g->add_option("--scale", r->gaussian.scale(), "covariance scale")->capture_default_str();
  g->add_option("--floor", r->gaussian.floor(), "smallest-eigenvalue floor of a random covariance")->capture_default_str();
  g->add_option("--mean-scale", r->gaussian.mean_scale(), "std of a random mean (0: centred)")->capture_default_str();
  g->add_option("--law-seed", r->gaussian.seed(), "seed of the law")->capture_default_str();

  auto* m = law(cmd, r, "mixture", "equal-weight mixture of isotropic Gaussians (labels too)");
  m->add_option("--dim", r->mixture.dim(), "dimension")->capture_default_str();
  m->add_option("--components", r->mixture.components(), "number of components")->capture_default_str();
  m->add_option("--spread", r->mixture.spread(), "std of the component means")->capture_default_str();
  m->add_option("--var", r->mixture.var(), "variance of every component")->capture_default_str();
  m->add_option("--law-seed", r->mixture.seed(), "seed of the law")->capture_default_str();
  m->add_option("--labels-out", r->labels_out, "component labels .npy (default <stem>_labels.npy)");

  auto* u = law(cmd, r, "uniform", "independent uniform coordinates on [low, high]");
  u->add_option("--dim", r->uniform.dim(), "dimension")->capture_default_str();
  u->add_option("--low", r->uniform.low(), "lower end")->capture_default_str();
  u->add_option("--high", r->uniform.high(), "upper end")->capture_default_str();

  auto* j = law(cmd, r, "joint-gaussian", "Kelly gamblers App. E.1: X ~ N(0, Sigma_X), Y = AX + eps");
  j->add_option("--dim-x", r->joint.dim_x(), "D_X")->capture_default_str();
  j->add_option("--dim-y", r->joint.dim_y(), "D_Y")->capture_default_str();
  j->add_option("--sigma-eps", r->joint.sigma_eps(), "noise std sigma_eps")->capture_default_str();
  j->add_option("--mode", r->joint.mode(), "determinism (Eq. 57) | flattening (Eq. 58)")->capture_default_str();
  j->add_option("--rank", r->joint.rank(), "flattening: number k of large directions")->capture_default_str();
  j->add_option("--lambda-delta", r->joint.lambda_delta(), "flattening: the small eigenvalue")->capture_default_str();
  j->add_option("--epsilon", r->joint.epsilon(), "the epsilon*I of Eqs. 57-58")->capture_default_str();
  j->add_option("--law-seed", r->joint.seed(), "seed of the law")->capture_default_str();
  j->add_option("--y-out", r->y_out, "Y .npy (default <stem>_y.npy)");

  auto* b = law(cmd, r, "bmi", "a task of the BMI benchmark (Czyz et al. 2023, arXiv 2306.11078) with its true MI; docs/bmi.md");
  std::string tasks;
  for (const auto& name : bmi_task_names()) tasks += (tasks.empty() ? "" : ", ") + name;
  b->add_option("--task", r->task, "a task id of the benchmark's list: " + tasks)->required();
  b->add_option("--y-out", r->y_out, "Y .npy (default <stem>_y.npy)");
}

}  // namespace diffinfo::cli
