#include "diffinfo/app/demo.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/app/measurement.h"
#include "diffinfo/app/train.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/analytic/synthetic.h"
#include "diffinfo/io/files.h"
#include "diffinfo/measure/reference.h"
#include "diffinfo/random.h"
#include "diffinfo/report/entropy.h"

#include <cmath>
#include <filesystem>

namespace diffinfo::app {

Report run_demo(const DemoRequest& a, const Progress& progress) {
  const auto device = device_from_name(a.device);
  std::filesystem::create_directories(a.out);
  auto gen = make_generator(a.seed);
  const auto data = make_gaussian(GaussianSpec().dim(a.dim).seed(a.seed), a.rows, gen);
  const auto data_path = std::filesystem::absolute(run_file(a.out, "data.npy")).string();
  write_npy(data_path, data.x.to(torch::kFloat32));
  write_text_atomic(run_file(a.out, "data.spec.json"), data.spec.dump(2) + "\n");

  RunConfig config;
  config.process = make_process("vp")->config();
  config.model = NetworkOptions(a.dim);
  config.train.steps(a.steps).seed(a.seed).holdout(kDefaultHoldout).patience(kDefaultPatience).cooldown(kDefaultCooldown);  // as `diffinfo train`
  config.data_path = data_path;
  progress.say(format("diffinfo demo: %lld samples of a %lld-D Gaussian with a random covariance, VP process, %lld steps",
                      static_cast<long long>(a.rows), static_cast<long long>(a.dim), static_cast<long long>(a.steps)));
  const auto trained = train_or_resume(config, data.x, a.out, device, progress.start("train"));
  Report r;
  if (trained.was_complete())
    r.text = format("%s already holds the trained run (step %lld): measuring it again\n", a.out.c_str(),
                    static_cast<long long>(trained.start_step));
  else
    r.text = format("trained in %.1f s (final loss %.4f)\n", trained.seconds, trained.final_loss);

  const auto model = load_model({a.out}, device);
  const auto rows = load_data(model, "");  // the held-out rows, as `diffinfo entropy` measures them
  const auto x = rows.x.to(device, torch::kFloat32);
  const auto options = EntropyOptions().seed(a.seed);
  const auto neural = neural_entropy(*model.process, model.residual(), x, options);
  const auto exact = exact_entropy(data.spec, *model.process, x, options);
  auto measured_on = rows.selection.to_json();
  if (rows.in_sample.defined()) {
    const auto in_sample = neural_entropy(*model.process, model.residual(), rows.in_sample.to(device, torch::kFloat32), options);
    auto w = memorisation_check(measured_on, neural.total_with_rows(), in_sample.total_with_rows(), "S_NN");
    const auto loss = memorisation_check(measured_on, neural.denoising_with_rows(), in_sample.denoising_with_rows(),
                                         "the denoising form of S_NN", "in_sample_loss_form");
    if (!w.empty() || !loss.empty()) r.warnings.push_back(w.empty() ? loss : w);
  }
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
  auto uncertainty = single_network_uncertainty(neural, model, "neural_entropy");
  uncertainty.add_estimator("denoising_form", neural.denoising.value, std::hypot(neural.gap.std_error, neural.gap_rows_stderr));
  const bool covers = inside(uncertainty, exact.total.value);
  if (auto w = bias_warning(uncertainty, "S_NN (its denoising form)"); !w.empty()) r.warnings.push_back(w);
  r.json = {{"neural_entropy", uncertainty.to_json()}, {"exact", {{"total_entropy", to_json(exact.total)}, {"method", exact.method}}},
            {"relative_error", rel}, {"run", a.out}, {"step", model.step}, {"curve", csv}, {"plot", plotted},
            {"settings", neural.settings()}, {"measured_on", measured_on}};
  r.text += format("\n  neural entropy   S_NN  = %8.4f ± %.4f nats\n", neural.total.value, neural.total.std_error);
  r.text += format("  exact            S_tot = %8.4f nats (closed form)\n", exact.total.value);
  r.text += format("  relative error           %+.2f %% (%.1f Monte Carlo stderr)\n", 100.0 * rel,
                   (neural.total.value - exact.total.value) / neural.total.std_error);
  r.text += format("  95 %% interval          %s nats: %s the exact value (docs/uncertainty.md)\n",
                   uncertainty.interval_text().c_str(), covers ? "holds" : "misses");
  r.text += "  " + rows_line("rows measured:  ", rows.selection, measured_on) + "\n";
  r.text += format("curve: %s\nplot:  %s\nrun:   %s (measure again with: diffinfo entropy --run %s --exact %s)\n", csv.c_str(),
                   plotted.c_str(), a.out.c_str(), a.out.c_str(), run_file(a.out, "data.spec.json").c_str());
  return r;
}

}  // namespace diffinfo::app
