#include "diffinfo/app/sample.h"

#include "diffinfo/data/image_spec.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/io/files.h"
#include "diffinfo/report/image_grid.h"

#include <sstream>

namespace diffinfo::app {

Report run_sample(const SampleRequest& a) {
  if (!ends_with(a.out, ".npy") || a.out.size() < 5) throw std::runtime_error("--out " + a.out + ": expected a .npy file name");
  const auto device = device_from_name(a.device);
  const auto run = load_model(a.model, device);
  require_model_of_x(run);
  Condition cond;
  int64_t n = a.n.value_or(0);
  if (!a.cond.empty() || !a.labels.empty()) {
    auto y = load_condition(run, a.cond, a.labels);
    const auto& path = a.cond.empty() ? a.labels : a.cond;
    if (a.n && n != y.size(0))
      throw std::runtime_error(path + ": has " + std::to_string(y.size(0)) + " rows but --n is " + std::to_string(n) +
                               " (one draw per condition row; drop --n)");
    n = y.size(0);
    cond = Condition(y.is_floating_point() ? y.to(device, torch::kFloat32) : y.to(device));
  } else if (!a.n) {
    throw std::runtime_error("--n is required for unconditional sampling");
  }
  auto x = sample(*run.process, run.conditional_score(), cond, n, run.config.model.dim(), a.options, device);
  write_npy(a.out, x.to(torch::kCPU));
  const auto stem = a.out.substr(0, a.out.size() - 4);
  Report r;
  r.json = {{run.source_key(), run.name},
            {"step", run.step},
            {"rows", n},
            {"dim", x.size(1)},
            {"condition", cond.is_null() ? "none (unconditional)" : (a.cond.empty() ? a.labels : a.cond)},
            {"sampler", to_json(a.options)},
            {"process", run.process->config()}};
  write_text_atomic(stem + ".json", r.json.dump(2) + "\n");
  if (!a.grid.empty()) {  // the draws as images, shaped and ranged as the run's training data
    const auto l = image_layout(run.config.data_path, a.image_shape, x.size(1), "--grid");
    plot_image_grid(a.grid, x.reshape({x.size(0), l.shape[0], l.shape[1], l.shape[2]}), l.low, l.high, a.columns,
                    "samples of " + run.name +
                        (a.options.guidance_scale() != 1.0 ? ", guidance scale " + std::to_string(a.options.guidance_scale())
                                                           : std::string()));
  }
  std::ostringstream text;
  text << "wrote " << a.out << " [" << n << ", " << x.size(1) << "] and " << stem << ".json  (" << a.options.method() << ", "
       << a.options.steps() << " steps, guidance_scale " << a.options.guidance_scale() << ", w "
       << a.options.guidance_scale() - 1.0 << ")\n";
  r.text = text.str();
  return r;
}

}  // namespace diffinfo::app
