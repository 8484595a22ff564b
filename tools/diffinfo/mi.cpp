// diffinfo mi: mutual information I(X; Y) of a conditional run, by MINDE, by the difference of
// neural entropies and by the MMSE gap, with stderr, rate curves, the label-entropy bound and exact
// references.
#include "commands.h"

#include "diffinfo/analytic/reference.h"
#include "diffinfo/io/files.h"
#include "diffinfo/report/curves.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

namespace diffinfo::cli {
namespace {

struct MiArgs {
  std::string run, uncond_run, data, cond, labels, plot, csv, exact_spec, device = "cpu";
  bool json = false;
  EntropyOptions options;
};

void run_mi(const MiArgs& a) {
  const auto device = parse_device(a.device);
  const auto run = load_run(a.run, device);
  const auto inputs = load_conditional_inputs(run.config, a.run, a.data, a.cond, a.labels);
  const bool joint = run.config.cond_kind == "joint";
  // e(x_s, s): the run's own null condition, or a separate unconditional network.
  std::optional<LoadedRun> uncond;
  if (!a.uncond_run.empty()) {
    if (joint) throw std::runtime_error(a.run + ": a joint run models X and Y alone itself; drop --uncond-run");
    uncond = load_run(a.uncond_run, device);
    if (uncond->config.conditional())
      throw std::runtime_error(a.uncond_run + ": --uncond-run must be an unconditional run (trained without --cond/--labels)");
    if (uncond->config.model.dim() != run.config.model.dim() || uncond->config.process != run.config.process)
      throw std::runtime_error(a.uncond_run + ": --uncond-run must share the process and data dimension of " + a.run);
  }
  const auto options = measure_options(a.options, run.config);
  const auto x = inputs.x.to(device, torch::kFloat32);
  const auto y = inputs.cond.is_floating_point() ? inputs.cond.to(device, torch::kFloat32) : inputs.cond.to(device);
  const auto& process = *run.process;
  const auto cond_model = run.model;
  const auto uncond_model = uncond ? uncond->model : run.model;
  const ConditionalResidualFn residual = [&](const torch::Tensor& xs, const torch::Tensor& s, const Condition& c) {
    return c.is_null() ? uncond_model->residual(xs, s) : cond_model->residual(xs, s, c);
  };
  const auto mi = joint ? joint_mutual_information(process, residual, x, y, options)
                        : mutual_information(process, residual, x, y, options);

  std::optional<MutualInformationReference> exact;
  if (!a.exact_spec.empty())
    exact = with_spec(a.exact_spec, [&](const nlohmann::json& spec) {
      return exact_mutual_information(spec, process, x, y, options, joint);
    });

  const auto csv = a.csv.empty() ? run_file(a.run, "mi_rate.csv") : a.csv;
  const bool exact_scores = exact && !exact->curve.minde.curve.empty();
  const auto* exact_curve = exact_scores ? &exact->curve : nullptr;
  const auto* closed_form = exact && !exact->running.empty() ? &exact->running : nullptr;
  write_mi_csv(csv, mi, exact_curve, closed_form);
  if (!a.plot.empty())
    plot_mutual_information(a.plot, mi, exact_curve, closed_form,
                            std::string(joint ? "joint-diffusion MI (curves: I(X_s; Y_s)), " : "mutual information, ") +
                                process.name() + " process (" + a.run + ")");

  const auto config = run.config.to_json();
  const char* running = joint ? "I(X_s; Y_s)" : "I(X_s; Y)";  // what the curve's ∫_s^T rate is
  nlohmann::json out = {{"mutual_information", to_json(mi.minde.total)},
                        {"entropy_difference", to_json(mi.difference.total)},
                        {"mmse_gap", to_json(mi.mmse_gap.total)},
                        {"orthogonality_gap", to_json(mi.orthogonality.total)},
                        {"conditional_entropy_nn", to_json(mi.conditional.total)},
                        {"unconditional_entropy_nn", to_json(mi.unconditional.total)},
                        {"units", "nats"},
                        {"run", a.run},
                        {"unconditional_network", uncond ? a.uncond_run : "the run's null condition"},
                        {"step", run.step},
                        {"data", inputs.x_path},
                        {"condition", inputs.cond_path},
                        {"condition_kind", run.config.cond_kind},
                        {"estimator", joint ? "joint diffusion of Z = [X, Y] (MINDE-j); entropy_difference is S(X,Y) - S(X) - S(Y)"
                                            : "conditional model (MINDE-c); entropy_difference is S^X|Y - S^X"},
                        {"curve_running", running},
                        {"rows", x.size(0)},
                        {"process", process.config()},
                        {"settings", mi.minde.settings()},
                        {"training", {{"objective", config["objective"]}, {"model", config["model"]}, {"train", config["train"]}}},
                        {"curve", csv}};
  if (!a.plot.empty()) out["plot"] = a.plot;
  // I(X_s; Y) of exact scores flattens as s → 0; a gain that goes on through the lowest decade is
  // the network's error, amplified like 1/Σ(s) and integrated as if it were information.
  const auto drift = mi.minde.gain_per_efold(10.0 * options.s_min());
  const double decade = drift.per_efold.value * std::log(drift.s_hi / drift.s_lo);
  out["small_s_drift"] = {{"per_efold", to_json(drift.per_efold)},
                          {"s_from", drift.s_lo},
                          {"s_to", drift.s_hi},
                          {"units", "nats of MINDE per e-fold of s; exact scores give ~0"}};
  if (drift.per_efold.value > 2.0 * drift.per_efold.std_error && decade > 0.01 * std::abs(mi.minde.total.value))
    std::fprintf(stderr, "diffinfo: warning: MINDE still gains %.4f ± %.4f nats per e-fold of s on [%.3g, %.3g] "
                         "(%.4f nats there); exact scores flatten %s as s -> 0, so this is network error "
                         "counted as information (%s at larger s: the curve's mi_above)\n",
                 drift.per_efold.value, drift.per_efold.std_error, drift.s_lo, drift.s_hi, decade, running, running);
  // MINDE − MMSE gap vanishes for an optimal conditional denoiser; far from 0, the conditional outputs are off
  // and the two estimates part around the truth (mutual_information.h).
  const auto& orth = mi.orthogonality.total;
  if (std::abs(orth.value) > 3.0 * orth.std_error && std::abs(orth.value) > 0.05 * std::abs(mi.minde.total.value))
    std::fprintf(stderr, "diffinfo: warning: MINDE - MMSE gap = %.4f ± %.4f nats, where an optimal conditional denoiser "
                         "gives 0: the conditional outputs are off, and an error of theirs that the condition does not "
                         "explain raises MINDE and lowers the MMSE gap by the same amount\n",
                 orth.value, orth.std_error);
  std::optional<LabelBound> bound;
  if (run.config.cond_kind == "labels") {
    bound = check_label_bound(mi.minde.total, inputs.cond);
    const auto diff_bound = check_label_bound(mi.difference.total, inputs.cond);
    const auto gap_bound = check_label_bound(mi.mmse_gap.total, inputs.cond);
    out["label_entropy"] = bound->label_entropy;
    out["exceeds_label_entropy"] = bound->exceeds;
    out["excess_stderr"] = bound->excess_stderr;
    out["entropy_difference_exceeds_label_entropy"] = diff_bound.exceeds;
    out["entropy_difference_excess_stderr"] = diff_bound.excess_stderr;
    out["mmse_gap_exceeds_label_entropy"] = gap_bound.exceeds;
    out["mmse_gap_excess_stderr"] = gap_bound.excess_stderr;
    if (bound->exceeds || diff_bound.exceeds || gap_bound.exceeds)
      std::fprintf(stderr, "diffinfo: warning: MINDE %.4f (%+.1f stderr), the entropy difference %.4f (%+.1f stderr) "
                           "and the MMSE gap %.4f (%+.1f stderr) against H(Y) = %.4f nats, which bounds label MI: "
                           "more than 2 stderr above it means bias\n",
                   mi.minde.total.value, bound->excess_stderr, mi.difference.total.value, diff_bound.excess_stderr,
                   mi.mmse_gap.total.value, gap_bound.excess_stderr, bound->label_entropy);
  }
  if (exact) {
    out["exact"] = {{"mutual_information", to_json(exact->total)}, {"method", exact->method}, {"source", a.exact_spec}};
    if (exact_scores) {
      out["exact"]["minde_exact_scores"] = to_json(exact->curve.minde.total);
      out["exact"]["entropy_difference_exact_scores"] = to_json(exact->curve.difference.total);
      out["exact"]["mmse_gap_exact_scores"] = to_json(exact->curve.mmse_gap.total);
    }
    if (!std::isnan(exact->entropy_x))
      out["exact"]["total_entropy_x"] = exact->entropy_x, out["exact"]["total_entropy_x_given_y"] = exact->entropy_x_given_y;
    out["relative_error"] = mi.minde.total.value / exact->total.value - 1.0;
  }
  if (a.json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("MINDE                I(X;Y) = %.4f ± %.4f nats  (%s, step %lld)\n", mi.minde.total.value,
              mi.minde.total.std_error, process.name().c_str(), static_cast<long long>(run.step));
  std::printf("entropy difference   %s = %.4f ± %.4f nats  (%.4f - %.4f)\n",
              joint ? "S(X,Y) - S(X) - S(Y)" : "S^X|Y - S^X", mi.difference.total.value, mi.difference.total.std_error,
              mi.conditional.total.value, mi.unconditional.total.value);
  std::printf("MMSE gap             L(y=null) - L(y) = %.4f ± %.4f nats  (MINDE - MMSE gap = %.4f ± %.4f: ~0 for an "
              "optimal conditional denoiser)\n",
              mi.mmse_gap.total.value, mi.mmse_gap.total.std_error, mi.orthogonality.total.value,
              mi.orthogonality.total.std_error);
  std::printf("small-s drift        %+.4g ± %.2g nats per e-fold of s on [%.3g, %.3g]  (exact scores: ~0)\n",
              drift.per_efold.value, drift.per_efold.std_error, drift.s_lo, drift.s_hi);
  if (bound)
    std::printf("label entropy        H(Y) = %.4f nats%s\n", bound->label_entropy,
                bound->exceeds ? "  (exceeded: biased estimate)" : "");
  if (exact) {
    std::printf("exact                I(X;Y) = %.4f nats  (%s)\n", exact->total.value, exact->method.c_str());
    if (!std::isnan(exact->entropy_x))
      std::printf("exact entropies      S_tot^X = %.4f, S_tot^X|Y = %.4f nats  (neural %.4f, %.4f)\n", exact->entropy_x,
                  exact->entropy_x_given_y, mi.unconditional.total.value, mi.conditional.total.value);
    if (exact_scores)
      std::printf("exact-score MINDE    %.4f ± %.4f nats  (the estimator's floor on these draws)\n",
                  exact->curve.minde.total.value, exact->curve.minde.total.std_error);
    std::printf("relative error       %+.2f %%\n", 100.0 * (mi.minde.total.value / exact->total.value - 1.0));
  }
  std::printf("curve                %s%s%s\n", csv.c_str(), a.plot.empty() ? "" : ", plot ", a.plot.c_str());
}

}  // namespace

void add_mi(CLI::App& app) {
  auto a = std::make_shared<MiArgs>();
  auto* cmd = app.add_subcommand("mi", "Mutual information I(X;Y) of a conditional or joint run: MINDE, the entropy difference and the MMSE gap");
  cmd->add_option("--run", a->run, "conditional run directory (trained with --cond or --labels) or joint run (--joint)")->required();
  cmd->add_option("--uncond-run", a->uncond_run, "a separate unconditional run for e(x_s, s) (default: the null condition)");
  cmd->add_option("--data", a->data, "data x0 [N, D] (default: the run's training data)");
  auto* c = cmd->add_option("--cond", a->cond, "condition vectors Y [N, D_Y] (default: the run's)");
  cmd->add_option("--labels", a->labels, "labels [N] int64 (default: the run's)")->excludes(c);
  cmd->add_flag("--json", a->json, "print one JSON object on stdout");
  cmd->add_option("--plot", a->plot, "also draw the curves to FILE.png or FILE.svg (gnuplot)");
  cmd->add_option("--csv", a->csv, "where the curve goes (default RUN/mi_rate.csv)");
  cmd->add_option("--exact", a->exact_spec, "add exact MI and exact-score curves of a law in a spec JSON ('diffinfo data' writes one)");
  add_measure_options(cmd, a->device, a->options);
  cmd->callback([a] { run_mi(*a); });
}

}  // namespace diffinfo::cli
