// diffinfo data: synthetic data sets with known laws, written as .npy plus a spec JSON.
#include "commands.h"

#include "diffinfo/data/npy.h"
#include "diffinfo/data/synthetic.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"

#include <iostream>
#include <memory>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

struct DataArgs {
  std::string out, y_out, labels_out;
  int64_t n = 10000;
  uint64_t seed = 0;
  GaussianSpec gaussian;
  MixtureSpec mixture;
  UniformSpec uniform;
  JointGaussianSpec joint;
  std::string task;
};

void write(const DataArgs& a, const Synthetic& s) {
  if (!ends_with(a.out, ".npy") || a.out.size() < 5)
    throw std::runtime_error("--out " + a.out + ": expected a .npy file name");
  write_npy(a.out, s.x.to(torch::kFloat32));
  const auto spec_path = sibling(a.out, ".spec.json");
  write_text_atomic(spec_path, s.spec.dump(2) + "\n");
  std::cout << "wrote " << a.out << " [" << s.x.size(0) << ", " << s.x.size(1) << "] and " << spec_path;
  if (s.y.defined()) {
    const auto y_path = a.y_out.empty() ? sibling(a.out, "_y.npy") : a.y_out;
    write_npy(y_path, s.y.to(torch::kFloat32));
    std::cout << ", " << y_path << " [" << s.y.size(0) << ", " << s.y.size(1) << "]";
  }
  if (s.labels.defined()) {
    const auto l_path = a.labels_out.empty() ? sibling(a.out, "_labels.npy") : a.labels_out;
    write_npy(l_path, s.labels);
    std::cout << ", " << l_path << " [" << s.labels.size(0) << "] int64";
  }
  std::cout << "\n";
}

CLI::App* common(CLI::App* cmd, DataArgs& a) {
  cmd->add_option("--out", a.out, "output .npy (the law goes to <stem>.spec.json)")->required();
  cmd->add_option("--n", a.n, "number of samples")->capture_default_str();
  cmd->add_option("--seed", a.seed, "seed of the samples")->capture_default_str();
  return cmd;
}

}  // namespace

void add_data(CLI::App& app) {
  auto a = std::make_shared<DataArgs>();
  auto* cmd = app.add_subcommand("data", "Write synthetic data with a known law (.npy + spec JSON)");
  cmd->require_subcommand(1);
  auto gen_for = [a] { return make_generator(a->seed); };

  auto* g = common(cmd->add_subcommand("gaussian", "N(m, C): random or isotropic covariance"), *a);
  g->add_option("--dim", a->gaussian.dim(), "dimension")->capture_default_str();
  g->add_option("--covariance", a->gaussian.covariance(), "random | isotropic")->capture_default_str();
  g->add_option("--scale", a->gaussian.scale(), "covariance scale")->capture_default_str();
  g->add_option("--floor", a->gaussian.floor(), "smallest-eigenvalue floor of a random covariance")->capture_default_str();
  g->add_option("--mean-scale", a->gaussian.mean_scale(), "std of a random mean (0: centred)")->capture_default_str();
  g->add_option("--law-seed", a->gaussian.seed(), "seed of the law")->capture_default_str();
  g->callback([a, gen_for] { auto gen = gen_for(); write(*a, make_gaussian(a->gaussian, a->n, gen)); });

  auto* m = common(cmd->add_subcommand("mixture", "equal-weight mixture of isotropic Gaussians (labels too)"), *a);
  m->add_option("--dim", a->mixture.dim(), "dimension")->capture_default_str();
  m->add_option("--components", a->mixture.components(), "number of components")->capture_default_str();
  m->add_option("--spread", a->mixture.spread(), "std of the component means")->capture_default_str();
  m->add_option("--var", a->mixture.var(), "variance of every component")->capture_default_str();
  m->add_option("--law-seed", a->mixture.seed(), "seed of the law")->capture_default_str();
  m->add_option("--labels-out", a->labels_out, "component labels .npy (default <stem>_labels.npy)");
  m->callback([a, gen_for] { auto gen = gen_for(); write(*a, make_mixture(a->mixture, a->n, gen)); });

  auto* u = common(cmd->add_subcommand("uniform", "independent uniform coordinates on [low, high]"), *a);
  u->add_option("--dim", a->uniform.dim(), "dimension")->capture_default_str();
  u->add_option("--low", a->uniform.low(), "lower end")->capture_default_str();
  u->add_option("--high", a->uniform.high(), "upper end")->capture_default_str();
  u->callback([a, gen_for] { auto gen = gen_for(); write(*a, make_uniform(a->uniform, a->n, gen)); });

  auto* j = common(cmd->add_subcommand("joint-gaussian", "seed 003 App. E.1: X ~ N(0, Sigma_X), Y = AX + eps"), *a);
  j->add_option("--dim-x", a->joint.dim_x(), "D_X")->capture_default_str();
  j->add_option("--dim-y", a->joint.dim_y(), "D_Y")->capture_default_str();
  j->add_option("--sigma-eps", a->joint.sigma_eps(), "noise std sigma_eps")->capture_default_str();
  j->add_option("--mode", a->joint.mode(), "determinism (Eq. 57) | flattening (Eq. 58)")->capture_default_str();
  j->add_option("--rank", a->joint.rank(), "flattening: number k of large directions")->capture_default_str();
  j->add_option("--lambda-delta", a->joint.lambda_delta(), "flattening: the small eigenvalue")->capture_default_str();
  j->add_option("--epsilon", a->joint.epsilon(), "the epsilon*I of Eqs. 57-58")->capture_default_str();
  j->add_option("--law-seed", a->joint.seed(), "seed of the law")->capture_default_str();
  j->add_option("--y-out", a->y_out, "Y .npy (default <stem>_y.npy)");
  j->callback([a, gen_for] { auto gen = gen_for(); write(*a, make_joint_gaussian(a->joint, a->n, gen)); });

  auto* b = common(cmd->add_subcommand("bmi", "a mutual-information benchmark task with known MI (Czyz et al. 2023)"), *a);
  std::string tasks;
  for (const auto& name : bmi_task_names()) tasks += (tasks.empty() ? "" : ", ") + name;
  b->add_option("--task", a->task, "one of: " + tasks)->required();
  b->add_option("--y-out", a->y_out, "Y .npy (default <stem>_y.npy)");
  b->callback([a, gen_for] { auto gen = gen_for(); write(*a, make_bmi(a->task, a->n, gen)); });
}

}  // namespace diffinfo::cli
