// The flags that name the model a measuring command measures: --run, or --model with its card.
#include "commands.h"

namespace diffinfo::cli {

void ModelFlags::add(CLI::App* cmd, const std::string& run_help, bool image_shape) {
  auto* run = cmd->add_option("--run", source.run, run_help);
  cmd->add_option("--model", source.model,
                  "or a TorchScript model FILE.pt, forward(x, t) or forward(x, t, y), trained elsewhere (docs/own_models.md)")
      ->excludes(run);
  const std::string group = "Model card (with --model; flags win over FILE.json beside it)";
  cmd->add_option("--card", source.card, "the model's card JSON (default: FILE.json beside FILE.pt)")->group(group);
  cmd->add_option("--prediction-type", prediction, "what the model returns: epsilon | sample | v_prediction | score | entropy")
      ->check(CLI::IsMember(prediction_names()))
      ->group(group);
  cmd->add_option("--time-input", time_input, "what its t is: s | index (a discrete schedule's timestep) | sigma")
      ->check(CLI::IsMember(time_input_names()))
      ->group(group);
  auto* sch = cmd->add_option("--scheduler-config", source.scheduler_config,
                              "a diffusers scheduler config JSON (num_train_timesteps, beta_*; docs/math.md §11)")
                  ->group(group);
  process_opt = cmd->add_option("--process", process, "or the process it was trained under: vp | vpx | sl | ve")
                    ->check(CLI::IsMember(process_names()))
                    ->excludes(sch)
                    ->group(group);
  process_params = {
      cmd->add_option("--beta-min", proc.beta_min(), "VP/VPx: beta at s = 0")->group(group),
      cmd->add_option("--beta-max", proc.beta_max(), "VP/VPx: beta at s = 1")->group(group),
      cmd->add_option("--kappa", proc.kappa(), "VPx: equilibrium std kappa")->group(group),
      cmd->add_option("--sigma0", proc.sigma0(), "SL: equilibrium std Sigma0")->group(group),
      cmd->add_option("--sigma-min", proc.sigma_min(), "VE: smallest noise scale")->group(group),
      cmd->add_option("--sigma-max", proc.sigma_max(), "VE: largest noise scale")->group(group)};
  if (image_shape) cmd->add_option("--image-shape", shape, "C H W of the model's x (default: the card's, or [B, D])")->expected(3)->group(group);
  cmd->add_option("--classes", classes, "label-conditioned model: the label count K")->group(group);
  null_opt = cmd->add_option("--null-label", null_label, "label-conditioned model: the label that asks for p(x) (e.g. K or -1)")
                 ->group(group);
}

app::ModelSource ModelFlags::get(const std::vector<int64_t>& image_shape) const {
  auto s = source;
  auto& f = s.flags;
  if (!prediction.empty()) f.prediction = prediction_from_name(prediction);
  if (!time_input.empty()) f.time_input = time_input_from_name(time_input);
  const auto params = given(process_params);
  if (!params.empty() && process_opt->count() == 0)
    throw std::runtime_error(params.front() + " describes a process: give --process with it");
  if (process_opt->count() > 0) f.process = make_process(process, proc)->config();
  // A command's own --image-shape (sample's grid) shapes a TorchScript model's x, never a run's.
  f.shape = !shape.empty() ? shape : s.model.empty() ? std::vector<int64_t>{} : image_shape;
  if (classes > 0) f.classes = classes, f.condition = CondKind::kLabels;
  if (null_opt->count() > 0) f.null_label = null_label;
  return s;  // load_model refuses card flags beside --run
}

}  // namespace diffinfo::cli
