#include "diffinfo/studies/scaling.h"

#include "diffinfo/app/inputs.h"
#include "diffinfo/app/measurement.h"
#include "diffinfo/app/train.h"
#include "diffinfo/data/matrix.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/info/regression.h"
#include "diffinfo/io/files.h"
#include "diffinfo/random.h"
#include "diffinfo/report/entropy.h"
#include "diffinfo/report/scaling.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace diffinfo::studies {

app::Report run_scaling(const ScalingRequest& a, const app::Progress& progress) {
  const auto device = app::device_from_name(a.device);
  const auto x = load_matrix(a.data);
  auto sizes = a.sizes;
  std::sort(sizes.begin(), sizes.end());
  if (sizes.size() < 3) throw std::runtime_error("--sizes needs at least 3 training-set sizes to fit a line");
  if (sizes.front() < 2 || sizes.back() > x.size(0))
    throw std::runtime_error(a.data + ": has " + std::to_string(x.size(0)) + " rows; --sizes must lie in [2, " +
                             std::to_string(x.size(0)) + "]");
  const auto network = app::network_options(a.net, a.data, x.size(1), false);  // one network shape for every N; no labels
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
    app::train_or_resume(config, subset, dir, device, progress.start("train N = " + std::to_string(n)));
    const auto model = app::load_model({dir}, device);
    const auto profile = neural_entropy(*model.process, model.residual(), subset.to(device, torch::kFloat32),
                                        app::measurement_options(a.options, model.config));
    write_entropy_csv(run_file(dir, "entropy_rate.csv"), profile, nullptr);
    s_nn.push_back(profile.total);
    points.push_back({{"n", n}, {"neural_entropy", to_json(profile.total)}, {"run", dir}});
    progress.say(app::format("N = %-7lld S_NN = %10.4f ± %.4f nats", static_cast<long long>(n), profile.total.value,
                             profile.total.std_error));
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
  app::Report r;
  r.json = {{"slope", to_json(fit.slope)},
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
  write_text_atomic(run_file(a.out, "summary.json"), r.json.dump(2) + "\n");
  r.text = app::format("S_NN = %.2f ± %.2f + (%.2f ± %.2f) ln N  (R² %.3f, %zu sizes)\ntable: %s\nplot:  %s\n", fit.intercept.value,
              fit.intercept.std_error, fit.slope.value, fit.slope.std_error, fit.r_squared, sizes.size(), csv.c_str(),
              plot.c_str());
  return r;
}

}  // namespace diffinfo::studies
