#include "diffinfo/studies/dae.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/app/measurement.h"
#include "diffinfo/app/train.h"
#include "diffinfo/data/image_spec.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/info/pca.h"
#include "diffinfo/io/files.h"
#include "diffinfo/measure/label_posterior.h"
#include "diffinfo/measure/mutual_information.h"
#include "diffinfo/model/classifier.h"
#include "diffinfo/model/dae.h"
#include "diffinfo/report/dae.h"
#include "diffinfo/report/image_grid.h"
#include "diffinfo/sample/sampler.h"

#include <cstdio>
#include <filesystem>
#include <utility>

namespace diffinfo::studies {
namespace {

struct LatentInformation {
  EntropyProfile minde;
  Estimate posterior;  // MINDE by posterior on the latents' forward paths (label_posterior_on_data)
};

// I(Z; Y) from a conditional model of the latents z [N, D_Z] given labels y, trained in `dir`: by MINDE,
// and by the posterior along the rows' forward paths (2000 rows, 200 steps), which does not integrate
// the null score's error.
LatentInformation latent_information(const DaeRequest& a, const torch::Tensor& z, const std::string& z_path, const torch::Tensor& y,
                            const std::string& dir, const torch::Device& device, const TrainCallbacks& callbacks) {
  RunConfig c;
  c.process = make_process("vp")->config();
  c.model = NetworkOptions(z.size(1)).width(128).depth(2).classes(y.max().item<int64_t>() + 1);
  c.train.steps(a.mi_steps).batch_size(256).checkpoint_every(1000);
  c.data_path = z_path;
  c.cond_kind = CondKind::kLabels, c.cond_path = std::filesystem::absolute(a.labels).string();
  app::train_or_resume(c, {z, y}, dir, device, callbacks);
  const auto run = app::load_model({dir}, device);
  auto minde = mutual_information(*run.process, run.conditional_residual(), z.to(device, torch::kFloat32), y.to(device),
                                  app::measurement_options(a.options, run.config))
                   .minde;
  const auto score = run.conditional_score();
  const auto prior = app::class_prior(y, run.config.model.classes(), a.labels + " (the first " + std::to_string(y.size(0)) + " rows)");
  const auto paths = label_posterior_on_data(*run.process, score, prior, z, y,
                                             PosteriorOptions().trajectories(2000).steps(200).seed(a.options.seed()), device);
  return {std::move(minde), paths.posterior_information.back()};
}

// The classifier reference H(Y) − CE of a latent: an MLP trained on the first 80 % of the rows, tested on the rest.
Estimate classifier_information(const torch::Tensor& z, const torch::Tensor& y, uint64_t seed, const torch::Device& device) {
  const int64_t n = z.size(0), train = n * 4 / 5;
  return classifier_reference(z.narrow(0, 0, train), y.narrow(0, 0, train), z.narrow(0, train, n - train),
                              y.narrow(0, train, n - train), ClassifierOptions().epochs(20).seed(seed), device)
      .information;
}

// The names of a row's MINDE-family estimates that lie above H(Y) (each is biased there).
std::vector<std::string> above_label_entropy(const DaeRow& r, const torch::Tensor& y) {
  std::vector<std::string> names;
  for (const auto& [name, e] : {std::pair<const char*, const Estimate&>{"i_per", r.per}, {"i_sem", r.sem},
                                {"i_per_posterior", r.per_posterior}, {"i_sem_posterior", r.sem_posterior}})
    if (check_label_bound(e, y).exceeds) names.emplace_back(name);
  return names;
}

std::string tau_name(double tau) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "tau_%.2f", tau);
  return buf;
}

std::string tau_label(double tau) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "{/Symbol t} = %.2f", tau);
  return buf;
}

}  // namespace

app::Report run_dae(const DaeRequest& a, const app::Progress& progress) {
  const auto device = app::device_from_name(a.device);
  if (a.taus.empty()) throw std::runtime_error("--taus needs at least one split time");
  for (double t : a.taus)
    if (!(t > 0 && t < 1)) throw std::runtime_error("--taus: split times must lie in (0, 1), got " + std::to_string(t));
  if (a.latent < 1) throw std::runtime_error("--latent must be >= 1");
  auto x = load_matrix(a.data);
  const auto y = load_labels(a.labels);
  if (y.size(0) != x.size(0))
    throw std::runtime_error(a.labels + ": holds " + std::to_string(y.size(0)) + " labels, " + a.data + " has " +
                             std::to_string(x.size(0)) + " rows");
  const auto layout = image_layout(a.data, {}, x.size(1), a.data);
  const auto process = std::shared_ptr<const ForwardProcess>(make_process(a.process, ProcessOptions()));
  const double var = x.var(0).mean().item<double>();
  const int64_t rows = std::min<int64_t>(a.rows, x.size(0));
  const auto x_rows = x.narrow(0, 0, rows), y_rows = y.narrow(0, 0, rows);
  std::filesystem::create_directories(a.out);

  std::vector<DaeRow> table;
  nlohmann::json runs = nlohmann::json::array(), settings;
  for (double tau : a.taus) {
    const auto dir = (std::filesystem::path(a.out) / tau_name(tau)).string();
    RunConfig c;
    c.process = process->config();
    c.model = app::network_options(a.net, a.data, x.size(1), false)  // the decoder's condition is its latent, not a label
                  .image_shape(layout.shape)
                  .cond_dim(x.size(1))
                  .latent(a.latent)
                  .split_time(tau)
                  .split(dae_split_coordinate(*process, tau, var))
                  .kl_weight(a.kl_weight);
    c.objective.p_uncond(0.0);  // the decoder always sees its latent
    c.train.steps(a.steps).batch_size(a.batch).lr(a.lr);
    c.data_path = std::filesystem::absolute(a.data).string();
    c.cond_kind = CondKind::kVector, c.cond_path = c.data_path, c.cond_var = var;  // the condition is x0 itself
    // train_or_resume sets data_var to the same var, so the network's time coordinate matches `split`.
    app::train_or_resume(c, {x, x}, dir + "/dae", device, progress.start("dae " + tau_name(tau)));

    // The latent means of the first `rows` images.
    const auto run = app::load_model({dir + "/dae"}, device);
    const auto trained = std::dynamic_pointer_cast<ScoreModel>(run.network);
    auto dae = trained ? std::dynamic_pointer_cast<DaeImpl>(trained->net().ptr()) : nullptr;
    if (!dae) throw std::runtime_error(dir + "/dae: not a diffusion autoencoder run");
    torch::Tensor z_per, z_sem;
    {
      torch::NoGradGuard no_grad;
      std::vector<torch::Tensor> per, sem;
      for (int64_t i = 0; i < rows; i += 1024) {
        auto [p, s] = dae->encode((x_rows.narrow(0, i, std::min<int64_t>(1024, rows - i)) / std::sqrt(var)).to(device, torch::kFloat32));
        per.push_back(p.to(torch::kCPU, torch::kFloat64)), sem.push_back(s.to(torch::kCPU, torch::kFloat64));
      }
      z_per = torch::cat(per), z_sem = torch::cat(sem);
    }
    write_npy(dir + "/z_per.npy", z_per);
    write_npy(dir + "/z_sem.npy", z_sem);
    const auto per = latent_information(a, z_per, dir + "/z_per.npy", y_rows, dir + "/mi_per", device, progress.start("I(Z_per;Y)"));
    const auto sem = latent_information(a, z_sem, dir + "/z_sem.npy", y_rows, dir + "/mi_sem", device, progress.start("I(Z_sem;Y)"));
    const DaeRow row{tau,
                     per.minde.total,
                     sem.minde.total,
                     classifier_information(z_per, y_rows, a.options.seed(), device),
                     classifier_information(z_sem, y_rows, a.options.seed(), device),
                     per.posterior,
                     sem.posterior};
    settings = per.minde.settings();
    table.push_back(row);

    // A 2-D map of both latents (leading principal axes) and reconstructions of the first images.
    const int64_t m = std::min<int64_t>(a.map_rows, rows);
    const auto map = a.out + "/latents_" + tau_name(tau) + ".png";
    plot_latent_map(map, principal_components(z_per.narrow(0, 0, m), 2).scores, "z_{per} (s < {/Symbol t}), leading principal axes",
                    principal_components(z_sem.narrow(0, 0, m), 2).scores, "z_{sem} (s ≥ {/Symbol t}), leading principal axes",
                    y_rows.narrow(0, 0, m), "DAE latents, " + tau_label(tau));
    const int64_t r = std::min<int64_t>(a.reconstructions, rows);
    const auto originals = x_rows.narrow(0, 0, r).to(device, torch::kFloat32);
    auto recon = sample(*run.process, run.conditional_score(), Condition(originals), r, x.size(1),
                        SamplerOptions().steps(200).seed(a.options.seed()), device);
    const auto recon_path = a.out + "/reconstructions_" + tau_name(tau) + ".png";
    plot_image_grid(recon_path,
                    torch::cat({originals.to(torch::kCPU), recon.to(torch::kCPU, torch::kFloat32)})
                        .reshape({2 * r, layout.shape[0], layout.shape[1], layout.shape[2]}),
                    layout.low, layout.high, r, "originals (top) and DAE reconstructions, " + tau_label(tau));
    runs.push_back({{"tau", tau}, {"run", dir + "/dae"}, {"i_per", to_json(row.per)}, {"i_sem", to_json(row.sem)},
                    {"i_per_posterior", to_json(row.per_posterior)}, {"i_sem_posterior", to_json(row.sem_posterior)},
                    {"classifier_per", to_json(row.per_classifier)}, {"classifier_sem", to_json(row.sem_classifier)},
                    {"exceeds_label_entropy", above_label_entropy(row, y_rows)},
                    {"latent_map", map}, {"reconstructions", recon_path}});
  }

  const auto bound = check_label_bound(table.front().sem, y_rows);
  const auto csv = a.out + "/dae.csv", plot = a.out + "/dae.png";
  write_dae_csv(csv, table, bound.label_entropy);
  plot_dae(plot, table, bound.label_entropy, "label information in the DAE latents (" + a.data + ")");
  app::Report report;
  auto& out = report.json;
  out = {{"label_entropy", bound.label_entropy},
                        {"units", "nats"},
                        {"rows", rows},
                        {"latent", a.latent},
                        {"kl_weight", a.kl_weight},
                        {"steps", a.steps},
                        {"mi_steps", a.mi_steps},
                        {"settings", settings},
                        {"runs", runs},
                        {"table", csv},
                        {"plot", plot}};
  write_text_atomic(a.out + "/summary.json", out.dump(2) + "\n");
  report.text = app::format("%6s  %20s  %20s  %20s  %20s  %20s  %20s   (H(Y) = %.4f nats)\n", "tau", "I(Z_per;Y) MINDE", "I(Z_sem;Y) MINDE",
              "Z_per by posterior", "Z_sem by posterior", "Z_per classifier", "Z_sem classifier", bound.label_entropy);
  for (const auto& r : table) {
    const auto over = above_label_entropy(r, y_rows);
    std::string flag;
    for (const auto& name : over) flag += (flag.empty() ? "  (above H(Y), biased: " : ", ") + name;
    if (!flag.empty()) flag += ")";
    report.text += app::format("%6.2f  %10.4f ± %7.4f  %10.4f ± %7.4f  %10.4f ± %7.4f  %10.4f ± %7.4f  %10.4f ± %7.4f  %10.4f ± %7.4f%s\n",
                r.tau, r.per.value, r.per.std_error, r.sem.value, r.sem.std_error, r.per_posterior.value,
                r.per_posterior.std_error, r.sem_posterior.value, r.sem_posterior.std_error, r.per_classifier.value,
                r.per_classifier.std_error,
                r.sem_classifier.value, r.sem_classifier.std_error, flag.c_str());
  }
  report.text += app::format("table %s, plot %s, maps and reconstructions in %s\n", csv.c_str(), plot.c_str(), a.out.c_str());
  return report;
}

}  // namespace diffinfo::studies
