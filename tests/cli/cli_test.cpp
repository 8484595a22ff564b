// The real binary: the CLI contract (every command, its JSON, its files and its errors).
#include "diffinfo/data/images.h"
#include "diffinfo/data/npy.h"
#include "diffinfo/random.h"
#include "support.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <thread>

namespace diffinfo {
namespace {

using test::run_cli;
using test::scratch_dir;
using test::slurp;
using test::spit;

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// One line on stderr, starting "diffinfo: error: " and holding `needle`; non-zero exit.
void expect_error(const test::CliResult& r, const std::string& needle) {
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("diffinfo: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

TEST(Cli, EverySubcommandHasHelp) {
  const auto dir = scratch_dir();
  for (const char* cmd : {"", "train", "entropy", "demo", "data", "data gaussian", "data mixture", "data uniform",
                          "data joint-gaussian", "data bmi", "mi", "sample", "tc", "label-entropy", "nll", "thermo",
                          "thermo-sweep", "images", "scaling", "classify", "dae", "export"}) {
    auto r = run_cli(std::string(cmd) + " --help", dir);
    EXPECT_EQ(r.code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
  auto r = run_cli("", dir);
  EXPECT_NE(r.code, 0);
}

TEST(Cli, DataTrainEntropyEndToEnd) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data gaussian --dim 2 --n 4000 --out " + dir + "/x.npy", dir).code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/x.spec.json"));
  auto t = run_cli("train --data " + dir + "/x.npy --steps 300 --width 64 --out " + dir + "/run", dir);
  ASSERT_EQ(t.code, 0) << t.err;
  for (const char* f : {"config.json", "checkpoint.pt", "train_log.jsonl"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/run/" + f)) << f;
  // Three loss lines, the held-out loss at the last checkpoint and the line that ends the run on its best one.
  EXPECT_EQ(lines(slurp(dir + "/run/train_log.jsonl")), 5);
  EXPECT_NE(t.out.find("held out 1000 of 4000 rows"), std::string::npos) << t.out;
  EXPECT_EQ(read_npy(dir + "/run/holdout.npy").size(0), 1000);

  // Measured where it was not trained, by default, with the in-sample estimate beside it.
  auto e = run_cli("entropy --run " + dir + "/run --json --points 20 --samples 50 --exact " + dir + "/x.spec.json", dir);
  ASSERT_EQ(e.code, 0) << e.err;
  const auto j = nlohmann::json::parse(e.out);
  EXPECT_GT(j["neural_entropy"]["value"].get<double>(), 0.0);
  EXPECT_GT(j["neural_entropy"]["stderr"].get<double>(), 0.0);
  EXPECT_EQ(j["measured_on"]["set"], "held-out");
  EXPECT_EQ(j["measured_on"]["count"], 1000);
  EXPECT_EQ(j["measured_on"]["of"], 4000);
  EXPECT_EQ(j["rows"], 1000);
  EXPECT_GT(j["measured_on"]["in_sample"]["stderr"].get<double>(), 0.0);
  EXPECT_TRUE(j["measured_on"]["in_sample_z"].is_number());
  // The interval: every measured source by name, the one not measured said to be missing (docs/uncertainty.md).
  const auto& s_nn = j["neural_entropy"];
  const auto& parts = s_nn["components"];
  EXPECT_EQ(parts["monte_carlo"].get<double>(), s_nn["stderr"].get<double>());
  EXPECT_GT(parts["measured_rows"].get<double>(), 0.0);
  EXPECT_EQ(parts["estimator_span"]["estimators"]["denoising_form"], j["denoising_form"]["value"]);
  EXPECT_TRUE(parts["ensemble"].contains("missing"));
  const double lo = s_nn["interval_95"][0], hi = s_nn["interval_95"][1];
  EXPECT_LE(lo, std::min(s_nn["value"].get<double>(), j["denoising_form"]["value"].get<double>()));
  EXPECT_GE(hi, std::max(s_nn["value"].get<double>(), j["denoising_form"]["value"].get<double>()));
  EXPECT_NEAR(s_nn["total_stderr"].get<double>(), (hi - lo) / (2 * 1.959963984540054), 1e-9);
  EXPECT_GE(s_nn["total_stderr"].get<double>(), std::hypot(parts["monte_carlo"].get<double>(), parts["measured_rows"].get<double>()));
  EXPECT_NE(s_nn["uncertainty_method"].get<std::string>().find("docs/uncertainty.md"), std::string::npos);
  const auto text = run_cli("entropy --run " + dir + "/run --points 20 --samples 50 --csv " + dir + "/text.csv", dir);
  EXPECT_NE(text.out.find("95 % interval   ["), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("not measured: ensemble"), std::string::npos) << text.out;
  const auto on = [&](const std::string& flags) {
    auto r = run_cli("entropy --run " + dir + "/run --json --points 4 --samples 50 --csv " + dir + "/other.csv " + flags, dir);
    EXPECT_EQ(r.code, 0) << r.err;
    return nlohmann::json::parse(r.out)["measured_on"];
  };
  EXPECT_EQ(on("--measure-on all")["count"], 4000);
  EXPECT_EQ(on("--measure-on trained")["count"], 3000);
  EXPECT_EQ(on("--measure-on held-out")["count"], 1000);
  EXPECT_EQ(on("--data " + dir + "/x.npy")["set"], "file");
  EXPECT_FALSE(on("--measure-on all").contains("in_sample"));
  expect_error(run_cli("entropy --run " + dir + "/run --measure-on held-out --data " + dir + "/x.npy", dir), "it takes no --data");
  EXPECT_NE(run_cli("entropy --run " + dir + "/run --measure-on some", dir).code, 0);
  // --holdout 0 writes a run as runs were before held-out runs: no split, measured on every row, said so.
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/x.npy --steps 30 --width 16 --holdout 0 --out " + dir + "/all", dir).code, 0);
  EXPECT_FALSE(nlohmann::json::parse(slurp(dir + "/all/config.json"))["train"].contains("holdout"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/all/holdout.npy"));
  const auto all = run_cli("entropy --run " + dir + "/all --json --points 4 --samples 50 --csv " + dir + "/all.csv", dir);
  ASSERT_EQ(all.code, 0) << all.err;
  const auto on_all = nlohmann::json::parse(all.out)["measured_on"];
  EXPECT_EQ(on_all["set"], "all");
  EXPECT_EQ(on_all["count"], 4000);
  EXPECT_NE(on_all["note"].get<std::string>().find("holds no row out of training"), std::string::npos);
  expect_error(run_cli("entropy --run " + dir + "/all --measure-on held-out", dir), "the run holds no row out of training");
  EXPECT_EQ(j["settings"]["points"], 20);
  EXPECT_EQ(j["settings"]["s_min"], 1e-5);
  EXPECT_EQ(j["process"]["name"], "vp");
  EXPECT_EQ(j["exact"]["method"], "closed form (Gaussian)");
  EXPECT_GT(j["exact"]["decomposition"]["total_correlation"].get<double>(), 0.0);
  EXPECT_EQ(j["exact"]["decomposition"]["marginal_kl"].size(), 2u);
  const auto csv = slurp(dir + "/run/entropy_rate.csv");
  EXPECT_EQ(csv.rfind("s_lo,s_hi,s,rate,rate_stderr,cumulative,cumulative_stderr,exact_rate", 0), 0u);
  EXPECT_EQ(lines(csv), 21);

  // Human-readable output, the Gaussian fit as a reference, and a real PNG.
  auto h = run_cli("entropy --run " + dir + "/run --points 10 --samples 20 --exact-gaussian --plot " + dir + "/c.png", dir);
  ASSERT_EQ(h.code, 0) << h.err;
  EXPECT_NE(h.out.find("neural entropy  S_NN = "), std::string::npos);
  EXPECT_NE(h.out.find("Gaussian fitted to"), std::string::npos);
  EXPECT_EQ(slurp(dir + "/c.png").substr(0, 8), "\x89PNG\r\n\x1a\n");
}

TEST(Cli, KilledTrainingResumes) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data mixture --dim 2 --n 2000 --out " + dir + "/x.npy", dir).code, 0);
  // A run far too long to finish, killed with SIGKILL once it has written a checkpoint.
  const std::string cmd = std::string(DIFFINFO_CLI) + " train --quiet --data " + dir + "/x.npy --steps 1000000 --width 32 " +
                          "--checkpoint-every 20 --out " + dir + "/run >/dev/null 2>&1 & echo $! > " + dir + "/pid";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  for (int i = 0; i < 600 && !std::filesystem::exists(dir + "/run/checkpoint.pt"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(std::system(("kill -9 $(cat " + dir + "/pid)").c_str()), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(std::filesystem::exists(dir + "/run/checkpoint.pt"));
  // The log may run ahead of the checkpoint; resuming must drop that tail and go on from the checkpoint.
  int64_t logged = 0;
  std::istringstream log(slurp(dir + "/run/train_log.jsonl"));
  for (std::string line; std::getline(log, line);)
    if (line.find('}') != std::string::npos) logged = std::max(logged, nlohmann::json::parse(line)["step"].get<int64_t>());
  const int64_t target = logged + 120;
  auto r = run_cli("train --resume --steps " + std::to_string(target) + " --out " + dir + "/run", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("-> " + std::to_string(target)), std::string::npos) << r.out;
  std::istringstream resumed(slurp(dir + "/run/train_log.jsonl"));
  int64_t previous = 0;
  for (std::string line; std::getline(resumed, line);) {
    const auto j = nlohmann::json::parse(line);
    if (!j.contains("loss")) continue;  // a held-out evaluation shares its checkpoint's step
    const auto step = j["step"].get<int64_t>();
    EXPECT_GT(step, previous) << "a step logged twice";
    previous = step;
  }
  EXPECT_EQ(previous, target);
  const auto config = nlohmann::json::parse(slurp(dir + "/run/config.json"));
  EXPECT_EQ(config["train"]["steps"], target);
  EXPECT_EQ(config["model"]["width"], 32);
  expect_error(run_cli("train --resume --width 64 --out " + dir + "/run", dir), "--width cannot change on --resume");
}

TEST(Cli, BadInputIsOneClearLineAndNothingIsOverwritten) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data gaussian --dim 3 --n 500 --out " + dir + "/x.npy", dir).code, 0);
  ASSERT_EQ(run_cli("data gaussian --dim 2 --n 500 --out " + dir + "/y.npy", dir).code, 0);
  expect_error(run_cli("train --data " + dir + "/x.npy --process vpp --out " + dir + "/r", dir),
               "process 'vpp' not found; known: vp, vpx, sl, ve");
  expect_error(run_cli("train --data " + dir + "/x.npy --weighting loud --out " + dir + "/r", dir),
               "weighting 'loud' not found; known: likelihood, noise, none");
  expect_error(run_cli("train --data " + dir + "/x.npy --device tpu --out " + dir + "/r", dir), "unknown device 'tpu'");
  expect_error(run_cli("train --data " + dir + "/missing.npy --out " + dir + "/r", dir), "missing.npy: cannot read");

  const auto bytes = slurp(dir + "/x.npy");
  spit(dir + "/cut.npy", bytes.substr(0, bytes.size() - 10));
  expect_error(run_cli("train --data " + dir + "/cut.npy --out " + dir + "/r", dir), "cut.npy: truncated");
  spit(dir + "/nan.csv", "1,2,3\n4,nan,6\n7,8,9\n");
  expect_error(run_cli("train --data " + dir + "/nan.csv --out " + dir + "/r", dir), "nan.csv: row 1 holds NaN or Inf");
  EXPECT_FALSE(std::filesystem::exists(dir + "/r"));

  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/x.npy --steps 20 --width 16 --out " + dir + "/run", dir).code, 0);
  const auto ckpt = slurp(dir + "/run/checkpoint.pt");
  expect_error(run_cli("train --data " + dir + "/x.npy --steps 20 --out " + dir + "/run", dir), "already holds a run");
  EXPECT_EQ(slurp(dir + "/run/checkpoint.pt"), ckpt);
  expect_error(run_cli("entropy --run " + dir + "/run --data " + dir + "/y.npy", dir),
               "y.npy: has 2 columns, the run in " + dir + "/run was trained on 3");
  expect_error(run_cli("entropy --run " + dir + "/nowhere", dir), "config.json: not found");
  expect_error(run_cli("entropy --run " + dir + "/run --exact " + dir + "/y.spec.json --points 4 --samples 4", dir),
               "the exact law has dimension 2 but the data have 3");
  expect_error(run_cli("entropy --run " + dir + "/run --plot " + dir + "/c.jpeg --points 4 --samples 4", dir),
               "unknown plot format");
  spit(dir + "/run/checkpoint.pt", ckpt.substr(0, 100));
  expect_error(run_cli("entropy --run " + dir + "/run", dir), "checkpoint.pt: not a diffinfo checkpoint");
}

TEST(Cli, HoldoutEndsTheRunOnItsBestCheckpoint) {
  const auto dir = scratch_dir();
  // 80 pairs of x with an independent 8-D condition, 40 trained on at a high rate and judged by the loss
  // (by default a conditional run is judged by its held-out information and stops before it memorises,
  // Holdout.ConditionalRunsAreJudgedByTheirHeldOutInformation): the conditional branch learns which x goes
  // with which y, the held-out loss turns, and patience stops the run.
  ASSERT_EQ(run_cli("data gaussian --dim 2 --n 80 --seed 1 --out " + dir + "/x.npy", dir).code, 0);
  ASSERT_EQ(run_cli("data gaussian --dim 8 --n 80 --seed 2 --out " + dir + "/y.npy", dir).code, 0);
  const std::string run = "train --data " + dir + "/x.npy --cond " + dir + "/y.npy --steps 4000 --checkpoint-every 200 "
                          "--lr 1e-2 --batch 40 --ema 0.9 --cooldown 0 ";
  auto r = run_cli(run + "--holdout 0.5 --patience 3 --stop-on loss --out " + dir + "/run", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("is lowest at step"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(stopped by --patience)"), std::string::npos) << r.out;
  const auto config = nlohmann::json::parse(slurp(dir + "/run/config.json"));
  EXPECT_EQ(config["train"]["holdout"], 0.5);
  EXPECT_EQ(config["train"]["patience"], 3);
  EXPECT_EQ(config["train"]["stop_on"], "loss");
  // What it memorised reads as information on the pairs it saw: the in-sample check says so.
  auto mi = run_cli("mi --run " + dir + "/run --measure-on held-out --json", dir);
  ASSERT_EQ(mi.code, 0) << mi.err;
  // Memorising is a lower loss on the pairs seen: the MMSE gap (the loss drop y gives) parts by nats, while
  // MINDE reads alike on both sets within their rows' sampling errors.
  EXPECT_NE(mi.err.find("warning: the MMSE gap reads"), std::string::npos) << mi.err;
  EXPECT_NE(mi.err.find("on the rows trained on"), std::string::npos) << mi.err;
  const auto j = nlohmann::json::parse(mi.out);
  EXPECT_EQ(j["measured_on"]["set"], "held-out");
  EXPECT_EQ(j["measured_on"]["count"], 40);
  EXPECT_GT(j["measured_on"]["in_sample_loss_form_z"].get<double>(), 4.0);
  EXPECT_EQ(j["measured_on"]["in_sample_loss_form"]["of"], "the MMSE gap");
  EXPECT_TRUE(j["measured_on"]["in_sample_z"].is_number());
  // Its estimators part too: the interval spans them, and a warning says the network's error dominates.
  const auto& minde = j["mutual_information"];
  for (const char* other : {"entropy_difference", "mmse_gap"}) {
    EXPECT_EQ(minde["components"]["estimator_span"]["estimators"][other], j[other]["value"]) << other;
    EXPECT_LE(minde["interval_95"][0].get<double>(), j[other]["value"].get<double>()) << other;
    EXPECT_GE(minde["interval_95"][1].get<double>(), j[other]["value"].get<double>()) << other;
  }
  EXPECT_NE(mi.err.find("warning: the estimators of I(X;Y)"), std::string::npos) << mi.err;
  // Too few held out for the default: all rows, and the JSON says why.
  mi = run_cli("mi --run " + dir + "/run --json --points 4 --samples 50", dir);
  ASSERT_EQ(mi.code, 0) << mi.err;
  EXPECT_EQ(nlohmann::json::parse(mi.out)["measured_on"]["set"], "all");
  EXPECT_NE(nlohmann::json::parse(mi.out)["measured_on"]["note"].get<std::string>().find("only 40 rows held out"), std::string::npos);
  r = run_cli("train --resume --out " + dir + "/run", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ended on its held-out loss at step"), std::string::npos) << r.out;
  expect_error(run_cli("train --resume --holdout 0.5 --out " + dir + "/run", dir), "--holdout cannot change on --resume");
  expect_error(run_cli(run + "--holdout 0 --patience 2 --out " + dir + "/r", dir), "it needs holdout > 0");
  expect_error(run_cli(run + "--holdout 1 --out " + dir + "/r", dir), "holdout must lie in [0, 1), got 1");
  expect_error(run_cli("train --data " + dir + "/x.npy --steps 10 --stop-on information --out " + dir + "/r", dir),
               "stop_on information compares a conditional run's held-out and in-sample MMSE gaps");
  expect_error(run_cli(run + "--stop-on lowest --out " + dir + "/r", dir), "--stop-on: lowest not in {auto,loss,information}");
  expect_error(run_cli(run + "--holdout 0.999 --out " + dir + "/r", dir), "of 80 rows leaves no row on one side");
  EXPECT_FALSE(std::filesystem::exists(dir + "/r"));
  // At the default the same run is judged by its held-out information, and says so.
  r = run_cli(run + "--holdout 0.5 --patience 3 --out " + dir + "/informed", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("held-out information I(X;Y)"), std::string::npos) << r.out;
  EXPECT_NE(slurp(dir + "/informed/train_log.jsonl").find("\"holdout_information\""), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/informed/config.json"))["train"].count("stop_on"), 0u);  // auto: as before
}

TEST(Cli, LabelsTrainMiSampleEndToEnd) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data mixture --dim 2 --components 3 --n 3000 --out " + dir + "/m.npy", dir).code, 0);
  auto t = run_cli("train --quiet --data " + dir + "/m.npy --labels " + dir + "/m_labels.npy --steps 200 --width 32 --out " +
                       dir + "/run", dir);
  ASSERT_EQ(t.code, 0) << t.err;
  const auto config = nlohmann::json::parse(slurp(dir + "/run/config.json"));
  EXPECT_EQ(config["cond"]["kind"], "labels");
  EXPECT_EQ(config["model"]["classes"], 3);
  EXPECT_EQ(config["objective"]["p_uncond"], 0.2);

  auto m = run_cli("mi --run " + dir + "/run --json --points 10 --samples 20 --exact " + dir + "/m.spec.json --plot " + dir +
                       "/mi.png", dir);
  ASSERT_EQ(m.code, 0) << m.err;
  const auto j = nlohmann::json::parse(m.out);
  for (const char* key : {"mutual_information", "entropy_difference", "mmse_gap", "orthogonality_gap"}) {
    EXPECT_TRUE(j[key]["value"].is_number()) << key;
    EXPECT_GT(j[key]["stderr"].get<double>(), 0.0) << key;
  }
  // The three estimates on the same draws: MINDE is the MMSE gap plus the orthogonality gap.
  EXPECT_NEAR(j["mutual_information"]["value"].get<double>(),
              j["mmse_gap"]["value"].get<double>() + j["orthogonality_gap"]["value"].get<double>(), 1e-9);
  // The warning fires exactly when the orthogonality gap is far from 0: beyond 3 stderr and 5 % of MINDE.
  const double orth = j["orthogonality_gap"]["value"].get<double>(), orth_se = j["orthogonality_gap"]["stderr"].get<double>();
  const bool off = std::abs(orth) > 3 * orth_se && std::abs(orth) > 0.05 * std::abs(j["mutual_information"]["value"].get<double>());
  EXPECT_EQ(m.err.find("MINDE - MMSE gap =") != std::string::npos, off) << m.err;
  EXPECT_NEAR(j["label_entropy"].get<double>(), std::log(3.0), 0.05);
  EXPECT_TRUE(j["exceeds_label_entropy"].is_boolean());
  EXPECT_TRUE(j["mmse_gap_exceeds_label_entropy"].is_boolean());
  EXPECT_TRUE(j["exact"]["mmse_gap_exact_scores"]["value"].is_number());
  EXPECT_EQ(j["exact"]["method"], "Monte Carlo on the exact posterior (200000 draws)");
  EXPECT_EQ(slurp(dir + "/mi.png").substr(0, 8), "\x89PNG\r\n\x1a\n");
  const auto csv = slurp(dir + "/run/mi_rate.csv");
  EXPECT_EQ(csv.rfind("s_lo,s_hi,s,mi_rate,mi_rate_stderr,mi_above,mi_above_stderr,difference_rate", 0), 0u);
  EXPECT_EQ(lines(csv), 11);
  EXPECT_NE(csv.substr(0, csv.find('\n')).find(",mmse_gap_rate,mmse_gap_rate_stderr,mmse_gap_above,mmse_gap_above_stderr"),
            std::string::npos);

  auto s = run_cli("sample --run " + dir + "/run --labels " + dir + "/m_labels.npy --guidance-scale 2.5 --steps 20 --out " +
                       dir + "/s.npy", dir);
  ASSERT_EQ(s.code, 0) << s.err;
  const auto info = nlohmann::json::parse(slurp(dir + "/s.json"));
  EXPECT_EQ(info["rows"], 3000);
  EXPECT_EQ(info["sampler"]["guidance_scale"], 2.5);
  EXPECT_EQ(info["sampler"]["guidance_w"], 1.5);
  ASSERT_EQ(run_cli("sample --run " + dir + "/run --n 7 --sampler ode --steps 10 --out " + dir + "/u.npy", dir).code, 0);
  EXPECT_NE(slurp(dir + "/u.npy").find("'shape': (7, 2)"), std::string::npos);
}

TEST(Cli, ConditioningBadInput) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data joint-gaussian --dim-x 3 --dim-y 2 --n 400 --out " + dir + "/j.npy", dir).code, 0);
  ASSERT_EQ(run_cli("data joint-gaussian --dim-x 3 --dim-y 2 --n 300 --out " + dir + "/k.npy", dir).code, 0);
  ASSERT_EQ(run_cli("data mixture --dim 3 --components 3 --n 400 --out " + dir + "/m.npy", dir).code, 0);
  expect_error(run_cli("train --data " + dir + "/j.npy --cond " + dir + "/k_y.npy --out " + dir + "/r", dir),
               "k_y.npy: expected 400 rows (one per row of");
  expect_error(run_cli("train --data " + dir + "/j.npy --labels " + dir + "/j_y.npy --out " + dir + "/r", dir),
               "j_y.npy: expected integer class labels (int64, int32 or uint8), got Float");
  // Labels 1..3 (class 0 never occurs) and negative labels.
  auto labels = torch::arange(400, torch::kInt64).remainder(3) + 1;
  write_npy(dir + "/gap.npy", labels);
  expect_error(run_cli("train --data " + dir + "/m.npy --labels " + dir + "/gap.npy --out " + dir + "/r", dir),
               "gap.npy: expected labels 0…K−1 with every class present, class 0 of 0…3 never occurs");
  write_npy(dir + "/neg.npy", labels - 2);
  expect_error(run_cli("train --data " + dir + "/m.npy --labels " + dir + "/neg.npy --out " + dir + "/r", dir),
               "neg.npy: expected labels 0…K−1, found -1");
  EXPECT_FALSE(std::filesystem::exists(dir + "/r"));

  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/j.npy --steps 10 --width 16 --out " + dir + "/plain", dir).code, 0);
  expect_error(run_cli("mi --run " + dir + "/plain", dir), "the run was trained without conditioning");
  expect_error(run_cli("sample --run " + dir + "/plain --n 5 --guidance-scale 3 --out " + dir + "/s.npy", dir),
               "guidance needs a condition");
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/j.npy --cond " + dir + "/j_y.npy --steps 10 --width 16 --out " + dir +
                        "/cond", dir).code, 0);
  expect_error(run_cli("mi --run " + dir + "/cond --cond " + dir + "/k_y.npy", dir), "k_y.npy: expected 400 rows");
  expect_error(run_cli("mi --run " + dir + "/cond --labels " + dir + "/gap.npy", dir), "pass --cond, not --labels");
  expect_error(run_cli("mi --run " + dir + "/cond --cond " + dir + "/j.npy", dir),
               "j.npy: expected 2 columns (the run's width of Y), got 3");
  expect_error(run_cli("mi --run " + dir + "/cond --uncond-run " + dir + "/cond", dir), "must be an unconditional run");
  expect_error(run_cli("train --resume --labels " + dir + "/gap.npy --out " + dir + "/cond", dir),
               "--cond, --labels, --joint and --marginals cannot change on --resume");
  // A fine-tune's condition must fit the network it starts from; its data of another width too.
  expect_error(run_cli("train --data " + dir + "/j.npy --cond " + dir + "/j.npy --init " + dir + "/cond --out " + dir + "/r", dir),
               "j.npy: has 3 columns, the run in " + dir + "/cond was trained on 2");
  expect_error(run_cli("train --data " + dir + "/j_y.npy --cond " + dir + "/j_y.npy --init " + dir + "/cond --out " + dir + "/r",
                       dir), "j_y.npy: has 2 columns, the run in " + dir + "/cond was trained on 3");
  EXPECT_FALSE(std::filesystem::exists(dir + "/r"));
}

TEST(Cli, JointDiffusionTrainMiAndItsErrors) {
  // MINDE-j: one model of Z = [X, Y] and of X and Y alone; mi reads it, the commands that need a
  // model of X refuse it, and its inputs are checked like a conditional run's.
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data joint-gaussian --dim-x 3 --dim-y 2 --n 400 --out " + dir + "/j.npy", dir).code, 0);
  ASSERT_EQ(run_cli("data joint-gaussian --dim-x 3 --dim-y 2 --n 300 --out " + dir + "/k.npy", dir).code, 0);
  expect_error(run_cli("train --data " + dir + "/j.npy --joint " + dir + "/k_y.npy --out " + dir + "/r", dir),
               "k_y.npy: expected 400 rows (one per row of");
  expect_error(run_cli("train --data " + dir + "/j.npy --joint " + dir + "/j_y.npy --marginals --out " + dir + "/r", dir),
               "--joint takes no --cond, --labels or --marginals");
  EXPECT_FALSE(std::filesystem::exists(dir + "/r"));
  const std::string run = dir + "/joint";
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/j.npy --joint " + dir + "/j_y.npy --steps 20 --width 16 --out " + run, dir)
                .code, 0);
  const auto config = nlohmann::json::parse(slurp(run + "/config.json"));
  EXPECT_EQ(config["cond"]["kind"], "joint");
  EXPECT_EQ(config["model"]["dim"], 5);
  EXPECT_EQ(config["model"]["joint_split"], 3);
  EXPECT_EQ(config["data"]["rows"], 400);
  const auto r = run_cli("mi --run " + run + " --samples 16 --points 8 --exact " + dir + "/j.spec.json --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["curve_running"], "I(X_s; Y_s)");
  EXPECT_TRUE(std::isfinite(j["mutual_information"]["value"].get<double>()));
  EXPECT_GT(j["exact"]["minde_exact_scores"]["value"].get<double>(), 0.5 * j["exact"]["mutual_information"]["value"].get<double>());
  EXPECT_GT(j["exact"]["total_entropy_x_given_y"].get<double>(), j["exact"]["total_entropy_x"].get<double>());
  expect_error(run_cli("mi --run " + run + " --cond " + dir + "/j.npy", dir), "j.npy: expected 2 columns (the run's width of Y), got 3");
  expect_error(run_cli("mi --run " + run + " --cond " + dir + "/k_y.npy", dir), "k_y.npy: expected 400 rows");
  expect_error(run_cli("mi --run " + run + " --uncond-run " + run, dir), "drop --uncond-run");
  expect_error(run_cli("entropy --run " + run, dir), "holds a joint model of Z = [X, Y] (train --joint)");
  expect_error(run_cli("sample --run " + run + " --n 4 --out " + dir + "/s.npy", dir), "holds a joint model of Z = [X, Y]");
  expect_error(run_cli("train --resume --joint " + dir + "/j_y.npy --out " + run, dir), "cannot change on --resume");
  ASSERT_EQ(run_cli("train --quiet --resume --steps 30 --out " + run, dir).code, 0);  // resumes with its stacked data
}

TEST(Cli, HeavyTailedDataTrainAScoreOutputAndMindeHolds) {
  // The BMI task with Cauchy margins (docs/bmi.md): far out in the tails an entropy output must grow
  // like x, and its extrapolation errors swamp MINDE (measured: +52000 % at these settings); the
  // quartile scale and the score output train keeps for such data read within the stderr.
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data bmi --task student-identity-1-1-1 --n 10000 --seed 3 --out " + dir + "/t.npy", dir).code, 0);
  const std::string data = " --data " + dir + "/t.npy --cond " + dir + "/t_y.npy --seed 3 --steps 4000";
  const auto trained = run_cli("train --quiet" + data + " --out " + dir + "/score", dir);
  ASSERT_EQ(trained.code, 0) << trained.err;
  EXPECT_NE(trained.err.find("t.npy: heavy tails"), std::string::npos) << trained.err;
  EXPECT_NE(trained.err.find("the network outputs the score (--output score)"), std::string::npos) << trained.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/score/config.json"))["model"]["output"], "score");
  ASSERT_EQ(run_cli("train --quiet --output entropy" + data + " --out " + dir + "/entropy", dir).code, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/entropy/config.json"))["model"]["output"], "entropy");  // a given --output is kept
  struct Reading { double value, stderr_, truth; };
  auto minde = [&](const std::string& run) {
    const auto r = run_cli("mi --run " + dir + "/" + run + " --points 50 --samples 1024 --json --exact " + dir + "/t.spec.json", dir);
    EXPECT_EQ(r.code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    return Reading{j.at("mutual_information").at("value").get<double>(), j.at("mutual_information").at("stderr").get<double>(),
                   j.at("exact").at("mutual_information").at("value").get<double>()};
  };
  const auto score = minde("score");
  EXPECT_NEAR(score.value, score.truth, 5 * score.stderr_);  // measured 0.2271 ± 0.0093, truth 0.2242
  EXPECT_GT(minde("entropy").value, 2 * score.truth);
}

TEST(Cli, LabelEntropyEndToEndAndItsErrors) {
  // A short class-conditional run on a 1-D two-component mixture: label-entropy writes its curve,
  // its JSON holds the contract's fields, exact and MINDE references; bad inputs are clear errors.
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data mixture --dim 1 --components 2 --spread 1 --var 0.05 --n 400 --out " + dir + "/m.npy", dir).code, 0);
  const std::string run = dir + "/run";
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/m.npy --labels " + dir + "/m_labels.npy --steps 50 --width 16 --out " + run,
                    dir).code, 0);
  const auto r = run_cli("label-entropy --run " + run + " --trajectories 64 --steps 40 --pairs --minde --exact " + dir +
                             "/m.spec.json --json --plot " + dir + "/le.svg", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["label_entropy"].get<double>(), std::log(2.0), 0.01);
  EXPECT_TRUE(j["conditional_entropy_final"].contains("stderr"));
  ASSERT_TRUE(j["decision_windows"].is_array());
  for (const auto& w : j["decision_windows"]) EXPECT_TRUE(w.contains("s") && w.contains("width") && w.contains("rate"));
  EXPECT_TRUE(j["exact"].contains("max_abs_difference"));
  EXPECT_TRUE(j["minde"].contains("max_abs_gap_fraction_of_label_entropy"));
  EXPECT_EQ(j["pairs"].size(), 1u);
  const auto csv = slurp(run + "/label_entropy.csv");
  EXPECT_EQ(lines(csv), 42);  // header + T and 40 steps
  EXPECT_EQ(csv.rfind("s,conditional_entropy,conditional_entropy_stderr,rate,rate_stderr,information,"
                      "posterior_minde,posterior_minde_stderr,null_gap,null_gap_stderr,exact_on_path", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(dir + "/le.svg"));
  EXPECT_TRUE(j["posterior_minde"].contains("stderr") && j["null_gap"].contains("stderr"));
  EXPECT_FALSE(j.contains("cross_entropy_final"));  // unconditional generation has no labels

  // On the labelled data: the paths are the rows diffused forward; the labels give the cross-entropy.
  const auto d = run_cli("label-entropy --run " + run + " --from-data --trajectories 100 --steps 40 --json --csv " + dir +
                             "/led.csv --plot " + dir + "/led.png", dir);
  ASSERT_EQ(d.code, 0) << d.err;
  const auto jd = nlohmann::json::parse(d.out);
  EXPECT_NE(jd["paths"].get<std::string>().find("m.npy"), std::string::npos);
  EXPECT_FALSE(jd["settings"].contains("generate"));  // no score drew these paths
  const auto& best = jd["information_lower_bound_best"];
  EXPECT_GE(best["value"].get<double>(), jd["information_lower_bound"]["value"].get<double>());
  EXPECT_GE(best["s"].get<double>(), jd["settings"]["s_end"].get<double>());
  for (const char* key : {"cross_entropy_final", "information_lower_bound", "accuracy_final", "minde_on_paths", "posterior_minde",
                          "mmse_gap_on_paths", "posterior_mmse_gap"})
    EXPECT_GT(jd[key]["stderr"].get<double>(), 0.0) << key;
  EXPECT_NEAR(jd["information_lower_bound"]["value"].get<double>(),
              jd["label_entropy"].get<double>() - jd["cross_entropy_final"]["value"].get<double>(), 1e-12);
  EXPECT_NE(slurp(dir + "/led.csv").find("minde_on_paths,minde_on_paths_stderr,cross_entropy,cross_entropy_stderr,"
                                         "information_lower_bound,accuracy,mmse_gap_on_paths,mmse_gap_on_paths_stderr,"
                                         "posterior_mmse_gap,posterior_mmse_gap_stderr"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir + "/led.png"));
  write_npy(dir + "/short.npy", torch::zeros({10}, torch::kInt64));
  expect_error(run_cli("label-entropy --run " + run + " --from-data --labels " + dir + "/short.npy", dir),
               "short.npy: expected 400 rows");

  ASSERT_EQ(run_cli("data joint-gaussian --dim-x 1 --dim-y 1 --n 400 --out " + dir + "/j.npy", dir).code, 0);
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/j.npy --cond " + dir + "/j_y.npy --steps 5 --width 8 --out " + dir + "/vec",
                    dir).code, 0);
  expect_error(run_cli("label-entropy --run " + dir + "/vec", dir), "needs a class-conditional run (train --labels L.npy)");
  write_npy(dir + "/ones.npy", torch::ones({400}, torch::kInt64));
  expect_error(run_cli("label-entropy --run " + run + " --labels " + dir + "/ones.npy", dir),
               "ones.npy: class 0 never occurs; the prior P(C) needs every class");
  expect_error(run_cli("label-entropy --run " + run + " --exact " + dir + "/j.spec.json", dir), "need a mixture spec");
  ASSERT_EQ(run_cli("data mixture --dim 1 --components 3 --n 10 --out " + dir + "/m3.npy", dir).code, 0);
  expect_error(run_cli("label-entropy --run " + run + " --exact " + dir + "/m3.spec.json", dir),
               "the mixture has 3 components in 1-D, the run 2 classes in 1-D");
  expect_error(run_cli("label-entropy --run " + run + " --class 2", dir), "generate must be -1 (unconditional) or a class 0..1");
}

// Total correlation from a joint run and its per-coordinate run: the estimate with its interval, the
// denoising form in its span, the parts by name, and the exact value beside it.
TEST(Cli, TotalCorrelationEndToEndWithItsInterval) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data gaussian --dim 3 --n 3000 --seed 4 --out " + dir + "/g.npy", dir).code, 0);
  const std::string train = "train --quiet --data " + dir + "/g.npy --steps 400 --width 32 --checkpoint-every 200 ";
  ASSERT_EQ(run_cli(train + "--out " + dir + "/joint", dir).code, 0);
  ASSERT_EQ(run_cli(train + "--marginals --out " + dir + "/marginals", dir).code, 0);
  const std::string tc = "tc --run " + dir + "/joint --marginals " + dir + "/marginals --exact " + dir +
                         "/g.spec.json --points 10 --samples 128 ";
  auto r = run_cli(tc + "--json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& t = j["total_correlation"];
  const double value = t["value"];
  EXPECT_GT(t["stderr"].get<double>(), 0.0);
  EXPECT_GE(t["total_stderr"].get<double>(), t["stderr"].get<double>());
  EXPECT_LE(t["interval_95"][0].get<double>(), value);
  EXPECT_GE(t["interval_95"][1].get<double>(), value);
  const double denoising = t["components"]["estimator_span"]["estimators"]["denoising_form"];
  EXPECT_NE(denoising, value);  // another estimator, on the same draws
  EXPECT_LE(t["interval_95"][0].get<double>(), denoising);
  EXPECT_GE(t["interval_95"][1].get<double>(), denoising);
  EXPECT_GT(t["components"]["measured_rows"].get<double>(), 0.0);
  EXPECT_TRUE(t["components"]["ensemble"].contains("missing"));
  EXPECT_NEAR(value, j["neural_entropy_joint"]["value"].get<double>() - j["neural_entropy_marginal_sum"]["value"].get<double>(), 1e-9);
  EXPECT_GT(j["exact"]["total_correlation"].get<double>(), 0.0);
  r = run_cli(tc, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("95 % interval"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the 95 % interval)"), std::string::npos) << r.out;
}

// train --ensemble: the members' spread on the same draws joins the interval of entropy and mi (docs/uncertainty.md);
// a resume with a larger K adds members and leaves the trained ones as they are.
TEST(Cli, EnsembleMembersSpreadJoinsTheInterval) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data joint-gaussian --dim-x 2 --dim-y 1 --n 2000 --seed 3 --out " + dir + "/j.npy", dir).code, 0);
  const std::string common = " --quiet --steps 300 --width 32 --checkpoint-every 100 ";
  ASSERT_EQ(run_cli("train --data " + dir + "/j.npy --out " + dir + "/x --ensemble 2" + common, dir).code, 0);
  auto r = run_cli("entropy --run " + dir + "/x --points 10 --samples 128 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  const auto& h = j["neural_entropy"];
  ASSERT_EQ(j["ensemble"]["members"], 2);
  EXPECT_EQ(j["ensemble"]["values"][0].get<double>(), h["value"].get<double>());
  const double ens = h["components"]["ensemble"];
  EXPECT_GT(ens, 0.0);
  EXPECT_NEAR(ens, std::abs(j["ensemble"]["values"][0].get<double>() - j["ensemble"]["values"][1].get<double>()) / std::sqrt(2.0), 1e-12);
  const double random = std::sqrt(std::pow(h["components"]["monte_carlo"].get<double>(), 2) +
                                  std::pow(h["components"]["measured_rows"].get<double>(), 2) + ens * ens);
  EXPECT_GE(h["total_stderr"].get<double>(), random - 1e-12);
  // Resumed with three: member 1 is already trained, member 2 is new.
  r = run_cli("train --resume --out " + dir + "/x --ensemble 3 --quiet", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/x/ensemble/2/checkpoint.pt"));
  r = run_cli("entropy --run " + dir + "/x --points 10 --samples 128 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["ensemble"]["members"], 3);
  EXPECT_EQ(nlohmann::json::parse(r.out)["ensemble"]["values"][1], j["ensemble"]["values"][1]);
  // tc pairs member k of the joint run with member k of the marginals run (the run itself where it has fewer).
  ASSERT_EQ(run_cli("train --marginals --data " + dir + "/j.npy --out " + dir + "/m --ensemble 2" + common, dir).code, 0);
  r = run_cli("tc --run " + dir + "/x --marginals " + dir + "/m --points 10 --samples 128 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["ensemble"]["members"], 3);
  EXPECT_GT(nlohmann::json::parse(r.out)["total_correlation"]["components"]["ensemble"].get<double>(), 0.0);
  // A conditional run's members: MINDE's spread.
  ASSERT_EQ(run_cli("train --data " + dir + "/j.npy --cond " + dir + "/j_y.npy --out " + dir + "/c --ensemble 2" + common, dir).code, 0);
  r = run_cli("mi --run " + dir + "/c --points 10 --samples 128 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ensemble"]["members"], 2);
  EXPECT_GT(j["mutual_information"]["components"]["ensemble"].get<double>(), 0.0);
  // A labelled run's members: MINDE by posterior of each, on the same paths.
  ASSERT_EQ(run_cli("data mixture --dim 1 --components 2 --spread 1 --var 0.05 --n 600 --out " + dir + "/m.npy", dir).code, 0);
  ASSERT_EQ(run_cli("train --data " + dir + "/m.npy --labels " + dir + "/m_labels.npy --out " + dir + "/l --ensemble 2" + common,
                    dir).code, 0);
  r = run_cli("label-entropy --run " + dir + "/l --trajectories 64 --steps 40 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ensemble"]["members"], 2);
  EXPECT_EQ(j["ensemble"]["values"][0].get<double>(), j["label_mutual_information"]["value"].get<double>());
  EXPECT_GT(j["label_mutual_information"]["components"]["ensemble"].get<double>(), 0.0);
  // One network: the source is missing, and said so.
  ASSERT_EQ(run_cli("train --data " + dir + "/j.npy --out " + dir + "/one" + common, dir).code, 0);
  r = run_cli("entropy --run " + dir + "/one --points 10 --samples 128 --json", dir);
  EXPECT_TRUE(nlohmann::json::parse(r.out)["neural_entropy"]["components"]["ensemble"].contains("missing"));
  expect_error(run_cli("train --data " + dir + "/j.npy --out " + dir + "/bad --ensemble 0", dir), "--ensemble must lie in 1");
}

TEST(Cli, NllAndThermoEndToEndAndTheirErrors) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data gaussian --dim 3 --n 2000 --out " + dir + "/g.npy", dir).code, 0);
  const auto run = dir + "/run";
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/g.npy --steps 300 --width 32 --out " + run, dir).code, 0);
  const std::string quick = " --points 10 --samples 64 --ddpm-steps 100";
  auto r = run_cli("nll --run " + run + " --rows 50 --exact " + dir + "/g.spec.json --json" + quick, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"nll", "bits_per_dim", "denoising_bound", "thermodynamic_bound", "ddpm_elbo", "gap", "excess_over_data"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(std::isfinite(j[key]["value"].get<double>())) << key;
    EXPECT_GT(j[key]["stderr"].get<double>(), 0.0) << key;
  }
  EXPECT_GT(j["nfe"].get<double>(), 0.0);
  EXPECT_EQ(j["thermodynamic_bound"]["data_entropy"]["stderr"].get<double>(), 0.0);  // closed form from the spec
  EXPECT_NEAR(j["bits_per_dim"]["value"].get<double>(), j["nll"]["value"].get<double>() / (3 * std::log(2.0)), 1e-9);
  // The headline with its interval (docs/uncertainty.md) and the Gaussian control variate (docs/likelihood.md);
  // the plain mean of the same rows beside it.
  EXPECT_NEAR(j["nll"]["total_stderr"].get<double>(), j["nll"]["stderr"].get<double>(), 1e-12);
  EXPECT_LT(j["nll"]["interval_95"][0].get<double>(), j["nll"]["value"].get<double>());
  EXPECT_TRUE(j["nll"]["components"]["ode_discretisation"].contains("missing"));
  EXPECT_NE(j["nll"]["estimator"].get<std::string>().find("the Gaussian fitted"), std::string::npos);
  EXPECT_GT(j["nll_plain"]["stderr"].get<double>(), 0.0);
  // The orderings bound <= NLL <= denoising bound as tests; with the law known, NLL − bound is the paired gap.
  const auto& lower = j["orderings"]["bound_le_nll_test"];
  EXPECT_NEAR(lower["difference"].get<double>(), j["gap_paired"]["value"].get<double>(), 1e-12);
  EXPECT_NEAR(lower["z"].get<double>(), lower["difference"].get<double>() / lower["stderr"].get<double>(), 1e-9);
  for (const auto* test : {&lower, &j["orderings"]["nll_le_denoising_bound_test"]}) {
    const double z = (*test)["z"];
    EXPECT_EQ((*test)["verdict"], z >= 2 ? "holds" : z > -2 ? "within noise" : "broken") << test->dump();
  }
  EXPECT_NEAR(j["orderings"]["nll_le_denoising_bound_test"]["difference"].get<double>(),
              j["denoising_bound"]["value"].get<double>() - j["nll"]["value"].get<double>(), 1e-9);
  EXPECT_NE(r.out.find("\"verdict\""), std::string::npos);
  EXPECT_EQ(lines(slurp(run + "/nll.csv")), 51);
  // Quantised data: the offset is explicit, +8 bits for 256 levels on [0, 1].
  r = run_cli("nll --run " + run + " --rows 20 --levels 256 --range 0 1 --json --divergence hutchinson --probes 2" + quick, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["bits_per_dim"]["offset_bits"].get<double>(), 8.0);
  EXPECT_NE(nlohmann::json::parse(r.out)["thermodynamic_bound"]["data_entropy_method"].get<std::string>().find("k-NN"),
            std::string::npos);
  r = run_cli("thermo --run " + run + " --exact " + dir + "/g.spec.json --json --points 10 --samples 64 --plot " + dir + "/t.png", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto t = nlohmann::json::parse(r.out);
  for (const char* form : {"norm_form", "divergence_form"})
    for (const char* rate : {"intrinsic", "exchange", "system"}) EXPECT_TRUE(t[form][rate].contains("stderr")) << form << rate;
  EXPECT_TRUE(t["stein"].contains("difference"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/t.png"));
  EXPECT_EQ(lines(slurp(run + "/thermo_rates.csv")), 11);

  expect_error(run_cli("nll --run " + run + " --levels 256", dir), "--levels needs --range LOW HIGH");
  expect_error(run_cli("nll --run " + run + " --range 0 1", dir), "give --levels too");
  EXPECT_NE(run_cli("nll --run " + run + " --divergence skilling", dir).code, 0);
  EXPECT_NE(run_cli("nll --run " + run + " --solver euler", dir).code, 0);
  expect_error(run_cli("nll --run " + dir + "/nowhere", dir), "nowhere");
  spit(dir + "/bad.json", "{\"type\": \"gaussian\"");
  expect_error(run_cli("thermo --run " + run + " --exact " + dir + "/bad.json", dir), "bad.json: not valid JSON");
  ASSERT_EQ(run_cli("data gaussian --dim 2 --n 100 --out " + dir + "/g2.npy", dir).code, 0);
  expect_error(run_cli("nll --run " + run + " --data " + dir + "/g2.npy", dir), "g2.npy: has 2 columns");
  expect_error(run_cli("nll --run " + run + " --exact " + dir + "/g2.spec.json" + quick, dir),
               "g2.spec.json: the law has dimension 2 but the data have 3");
  ASSERT_EQ(run_cli("data mixture --dim 2 --n 300 --out " + dir + "/m.npy", dir).code, 0);
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/m.npy --labels " + dir + "/m_labels.npy --steps 5 --width 8 --out " + dir + "/cond", dir).code, 0);
  expect_error(run_cli("thermo --run " + dir + "/cond", dir), "the run is conditional");
}

TEST(Cli, ThermoSweepWritesTableFigureAndResumes) {
  const auto dir = scratch_dir();
  const std::string args = "thermo-sweep --out " + dir + "/sweep --noise 10 --steps 40 --rows 500 --eval-rows 20 --points 8 --samples 32";
  auto r = run_cli(args, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines(slurp(dir + "/sweep/table.csv")), 5);  // header + gaussian/uniform x ve/vp
  EXPECT_TRUE(std::filesystem::exists(dir + "/sweep/nll_vs_bound.png"));
  const auto summary = nlohmann::json::parse(slurp(dir + "/sweep/summary.json"));
  ASSERT_EQ(summary["runs"].size(), 4u);
  EXPECT_TRUE(summary["runs"][0]["thermodynamic_bound"].contains("value"));
  // Run again: every model is finished, so it is measured, not retrained, and gives the same numbers.
  r = run_cli(args, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/sweep/summary.json"))["runs"][3]["nll"], summary["runs"][3]["nll"]);
}

TEST(Cli, ImagesFromIdxAndCifarFilesAndTheirErrors) {
  const auto dir = scratch_dir();
  auto gen = make_generator(0);
  auto images = torch::randint(0, 256, {20, 6, 5}, gen, torch::kInt64).to(torch::kUInt8);
  write_idx(dir + "/im.idx.gz", images);
  write_idx(dir + "/lb.idx", (torch::arange(20, torch::kInt64) % 4).to(torch::kUInt8));
  auto r = run_cli("images --idx-images " + dir + "/im.idx.gz --idx-labels " + dir + "/lb.idx --n 6 --classes 1 2 --scale zero-one "
                   "--layout nchw --out " + dir + "/x.npy", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto x = read_npy(dir + "/x.npy");
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{6, 1, 6, 5}));
  EXPECT_GE(x.min().item<float>(), 0.0f);
  const auto y = read_npy(dir + "/x_labels.npy");
  EXPECT_TRUE(((y == 1) | (y == 2)).all().item<bool>());
  const auto spec = nlohmann::json::parse(slurp(dir + "/x.spec.json"));
  EXPECT_EQ(spec["scaling"]["range"], nlohmann::json({0.0, 1.0}));
  EXPECT_EQ(spec["rows_in_source"], 20);
  // Flat by default: what train takes.
  ASSERT_EQ(run_cli("images --idx-images " + dir + "/im.idx.gz --idx-labels " + dir + "/lb.idx --out " + dir + "/f.npy", dir).code, 0);
  EXPECT_EQ(read_npy(dir + "/f.npy").sizes(), (std::vector<int64_t>{20, 30}));

  spit(dir + "/bad.idx", std::string("\x00\x00\x09\x01", 4) + "abcd");
  expect_error(run_cli("images --idx-images " + dir + "/bad.idx --idx-labels " + dir + "/lb.idx --out " + dir + "/b.npy", dir),
               "bad.idx: not an unsigned-byte IDX file");
  write_idx(dir + "/short.idx", torch::zeros({7}, torch::kUInt8));
  expect_error(run_cli("images --idx-images " + dir + "/im.idx.gz --idx-labels " + dir + "/short.idx --out " + dir + "/b.npy", dir),
               "short.idx: holds 7 labels");
  spit(dir + "/c.bin", std::string(100, '\0'));
  expect_error(run_cli("images --cifar " + dir + "/c.bin --out " + dir + "/b.npy", dir), "c.bin: 100 bytes is not a whole number");
  EXPECT_NE(run_cli("images --scale bytes --out " + dir + "/b.npy", dir).code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/b.npy"));

  // A model of the flat images draws a sample grid; the image shape and range come from f.spec.json.
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/f.npy --steps 20 --width 16 --out " + dir + "/run", dir).code, 0);
  r = run_cli("sample --run " + dir + "/run --n 7 --steps 5 --columns 4 --out " + dir + "/s.npy --grid " + dir + "/grid.png", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/grid.png"));
  r = run_cli("classify --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --test-data " + dir + "/f.npy --test-labels " +
                  dir + "/f_labels.npy --epochs 1 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto c = nlohmann::json::parse(r.out);
  EXPECT_TRUE(c["information"].contains("stderr"));
  EXPECT_NEAR(c["label_entropy"].get<double>(), std::log(4.0), 1e-9);  // 20 labels, 5 of each of 4 classes
  expect_error(run_cli("classify --data " + dir + "/f.npy --labels " + dir + "/x_labels.npy --test-data " + dir +
                           "/f.npy --test-labels " + dir + "/f_labels.npy", dir),
               "x_labels.npy: holds 6 labels");
  expect_error(run_cli("sample --run " + dir + "/run --n 2 --steps 5 --image-shape 1 4 4 --out " + dir + "/s2.npy --grid " + dir +
                           "/g2.png", dir),
               "--grid: the 30 columns of a row are not an image of shape 1x4x4");
}

// 40 random 8×8 images in 4 classes, through `diffinfo images` into DIR/f.npy (flat), f_labels.npy and f.spec.json.
void write_images(const std::string& dir, uint64_t seed) {
  auto gen = make_generator(seed);
  write_idx(dir + "/im.idx", torch::randint(0, 256, {40, 8, 8}, gen, torch::kInt64).to(torch::kUInt8));
  write_idx(dir + "/lb.idx", (torch::arange(40, torch::kInt64) % 4).to(torch::kUInt8));
  ASSERT_EQ(run_cli("images --idx-images " + dir + "/im.idx --idx-labels " + dir + "/lb.idx --out " + dir + "/f.npy", dir).code, 0);
}

TEST(Cli, UNetTrainsOnImagesAndTheMeasurementsTakeIt) {
  const auto dir = scratch_dir();
  write_images(dir, 0);
  // The image shape comes from f.spec.json; the preset fixes the rest.
  auto r = run_cli("train --quiet --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --arch unet --preset tiny --steps 6 "
                   "--batch 8 --out " + dir + "/lab", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto config = nlohmann::json::parse(slurp(dir + "/lab/config.json"));
  EXPECT_EQ(config["model"]["arch"], "unet");
  EXPECT_EQ(config["model"]["image_shape"], nlohmann::json({1, 8, 8}));
  EXPECT_EQ(config["model"]["width"], 16);
  EXPECT_FALSE(config["model"].contains("zero_labels"));  // absent unless set: older runs load as they did
  r = run_cli("train --quiet --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --arch unet --preset tiny --steps 2 "
              "--batch 8 --zero-labels --label-gate --label-lr 10 --null-consistency 0.5 --out " + dir + "/zero", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto zero = nlohmann::json::parse(slurp(dir + "/zero/config.json"));
  EXPECT_EQ(zero["model"]["zero_labels"], true);
  EXPECT_EQ(zero["model"]["label_gate"], true);
  EXPECT_FALSE(config["model"].contains("label_gate"));
  EXPECT_EQ(zero["train"]["label_lr"], 10.0);
  EXPECT_EQ(zero["objective"]["null_consistency"], 0.5);
  EXPECT_FALSE(config["train"].contains("label_lr"));
  EXPECT_FALSE(config["objective"].contains("null_consistency"));
  // A fine-tune: the labelled run's weights under the null-consistency pull, with its own schedule. The
  // network, process and data scale come from the run it starts from, here on images scaled to [0, 1].
  ASSERT_EQ(run_cli("images --idx-images " + dir + "/im.idx --idx-labels " + dir + "/lb.idx --scale zero-one --out " + dir +
                        "/z.npy", dir).code, 0);
  r = run_cli("train --data " + dir + "/z.npy --labels " + dir + "/z_labels.npy --steps 2 --batch 8 "
              "--init " + dir + "/lab --null-consistency 1 --lr 1e-4 --out " + dir + "/tuned", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("/lab (step 6): steps 0 -> 2"), std::string::npos) << r.out;
  const auto tuned = nlohmann::json::parse(slurp(dir + "/tuned/config.json"));
  EXPECT_EQ(tuned["train"]["init"], std::filesystem::absolute(dir + "/lab").string());
  EXPECT_EQ(tuned["objective"]["null_consistency"], 1.0);
  EXPECT_EQ(tuned["model"], config["model"]);
  EXPECT_EQ(tuned["process"], config["process"]);
  EXPECT_EQ(tuned["data"]["var"], config["data"]["var"]);  // not z.npy's, a quarter of it
  EXPECT_EQ(tuned["data"]["path"], std::filesystem::absolute(dir + "/z.npy").string());
  EXPECT_FALSE(config["train"].contains("init"));
  expect_error(run_cli("train --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --width 16 --init " + dir +
                       "/lab --out " + dir + "/u3", dir), "--width comes from the --init run");
  expect_error(run_cli("train --data " + dir + "/f.npy --init " + dir + "/lab --out " + dir + "/u3", dir),
               "lab/config.json: the run's condition is labels, this run's is none");
  EXPECT_FALSE(std::filesystem::exists(dir + "/u3"));
  expect_error(run_cli("train --resume --steps 4 --init " + dir + "/lab --out " + dir + "/tuned", dir), "cannot change on --resume");
  expect_error(run_cli("train --data " + dir + "/f.npy --init " + dir + "/none --out " + dir + "/u3", dir),
               "none/config.json: not found");
  expect_error(run_cli("train --resume --steps 4 --label-lr 3 --out " + dir + "/zero", dir), "cannot change on --resume");
  expect_error(run_cli("train --resume --steps 4 --null-consistency 2 --out " + dir + "/zero", dir), "cannot change on --resume");
  expect_error(run_cli("train --data " + dir + "/f.npy --null-consistency 1 --out " + dir + "/u3", dir), "it needs --labels or --cond");
  expect_error(run_cli("train --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --null-consistency 1 --p-uncond 0 --out " +
                       dir + "/u3", dir), "it needs --p-uncond > 0");
  expect_error(run_cli("train --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --null-consistency -1 --out " + dir + "/u3",
                       dir), "--null-consistency: expected a number >= 0");
  expect_error(run_cli("train --data " + dir + "/f.npy --label-lr 3 --out " + dir + "/u3", dir), "it needs --labels");
  expect_error(run_cli("train --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --label-lr 0 --out " + dir + "/u3", dir),
               "label_lr must be finite and > 0");
  expect_error(run_cli("train --data " + dir + "/f.npy --zero-labels --out " + dir + "/u3", dir), "belong to --arch unet");
  expect_error(run_cli("train --data " + dir + "/f.npy --arch unet --zero-labels --out " + dir + "/u3", dir), "it needs --labels");
  expect_error(run_cli("train --data " + dir + "/f.npy --label-gate --out " + dir + "/u3", dir), "belong to --arch unet");
  expect_error(run_cli("train --data " + dir + "/f.npy --arch unet --label-gate --out " + dir + "/u3", dir), "it needs --labels");
  r = run_cli("mi --run " + dir + "/lab --points 4 --samples 8 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out).contains("exceeds_label_entropy"));
  r = run_cli("sample --run " + dir + "/lab --steps 4 --labels " + dir + "/f_labels.npy --guidance-scale 2 --out " + dir + "/s.npy --grid " + dir +
                  "/g.png", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/g.png"));
  ASSERT_EQ(run_cli("train --quiet --data " + dir + "/f.npy --arch unet --preset tiny --width 8 --steps 4 --batch 8 --out " + dir +
                        "/plain", dir).code, 0);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/plain/config.json"))["model"]["width"], 8);
  expect_error(run_cli("train --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --init " + dir + "/plain --out " + dir +
                           "/u3", dir), "plain/config.json: the run's condition is none, this run's is labels");
  r = run_cli("entropy --run " + dir + "/plain --points 4 --samples 8 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_cli("nll --run " + dir + "/plain --rows 3 --solver heun --heun-steps 4 --divergence hutchinson --points 4 --samples 8 --json", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto nll = nlohmann::json::parse(r.out);
  EXPECT_TRUE(nll.contains("nll"));
  // The grid comes from the images' spec: 256 levels on [−1, 1], +7 bits per dimension.
  EXPECT_EQ(nll["bits_per_dim"]["quantisation"]["levels"], 256);
  EXPECT_EQ(nll["bits_per_dim"]["quantisation"]["from"], dir + "/f.spec.json");
  EXPECT_DOUBLE_EQ(nll["bits_per_dim"]["offset_bits"].get<double>(), 7.0);

  // Images of another size for the trained run, data without an image shape, unknown names.
  ASSERT_EQ(run_cli("data gaussian --dim 60 --n 20 --out " + dir + "/g.npy", dir).code, 0);
  expect_error(run_cli("entropy --run " + dir + "/plain --data " + dir + "/g.npy", dir), "60");
  expect_error(run_cli("train --data " + dir + "/g.npy --arch unet --out " + dir + "/u2", dir),
               "g.npy: the 60 columns of a row are not an image of shape (none: pass --image-shape C H W)");
  // An image spec without its pixel grid is named, not half-read.
  std::filesystem::copy_file(dir + "/f.npy", dir + "/h.npy");
  spit(dir + "/h.spec.json", R"({"type": "images", "image_shape": [1, 8, 8]})");
  expect_error(run_cli("train --data " + dir + "/h.npy --arch unet --out " + dir + "/u2", dir),
               "h.spec.json: not an image spec (expected image_shape [C, H, W] and scaling {range [LOW, HIGH], levels >= 2}");
  expect_error(run_cli("train --data " + dir + "/f.npy --arch transformer --out " + dir + "/u2", dir),
               "--arch 'transformer' not found; known: mlp, unet");
  expect_error(run_cli("train --data " + dir + "/f.npy --arch unet --preset huge --out " + dir + "/u2", dir),
               "--preset: huge not in {tiny,small,paper}");
  expect_error(run_cli("train --data " + dir + "/f.npy --mults 1 2 --out " + dir + "/u2", dir), "belong to --arch unet");
  expect_error(run_cli("train --resume --arch unet --out " + dir + "/plain", dir), "--arch cannot change on --resume");
  EXPECT_FALSE(std::filesystem::exists(dir + "/u2"));
}

TEST(Cli, DaeSweepsTheSplitTimeAndResumes) {
  const auto dir = scratch_dir();
  write_images(dir, 1);
  const std::string args = "dae --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --taus 0.3 0.7 --latent 2 --steps 10 "
                           "--batch 8 --width 16 --mi-steps 10 --points 4 --samples 8 --reconstructions 3 --out " + dir + "/d --json";
  auto r = run_cli(args, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_TRUE(j["runs"][1]["i_sem"].contains("stderr"));
  EXPECT_TRUE(j["runs"][1]["classifier_per"].contains("stderr"));
  EXPECT_GT(j["runs"][0]["i_per_posterior"]["stderr"].get<double>(), 0.0);
  EXPECT_NE(slurp(dir + "/d/dae.csv").find("posterior_sem,posterior_sem_stderr"), std::string::npos);
  EXPECT_NEAR(j["label_entropy"].get<double>(), std::log(4.0), 1e-9);
  EXPECT_EQ(lines(slurp(dir + "/d/dae.csv")), 3);
  // Every MINDE-family estimate above H(Y) is named, and only those.
  for (const auto& run : j["runs"]) {
    std::vector<std::string> above;
    for (const char* key : {"i_per", "i_sem", "i_per_posterior", "i_sem_posterior"})
      if (run[key]["value"].get<double>() > j["label_entropy"].get<double>()) above.emplace_back(key);
    EXPECT_EQ(run["exceeds_label_entropy"].get<std::vector<std::string>>(), above);
  }
  for (const char* f : {"/d/dae.png", "/d/latents_tau_0.30.png", "/d/reconstructions_tau_0.70.png", "/d/tau_0.30/z_per.npy"})
    EXPECT_TRUE(std::filesystem::exists(dir + f)) << f;
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/d/tau_0.70/dae/config.json"))["model"]["split_time"], 0.7);
  // Finished runs are found again, not retrained: the same numbers come back.
  r = run_cli(args, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["runs"][0]["i_per"], j["runs"][0]["i_per"]);
  EXPECT_EQ(nlohmann::json::parse(r.out)["runs"][0]["i_per_posterior"], j["runs"][0]["i_per_posterior"]);
  expect_error(run_cli("dae --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --taus 1.5 --out " + dir + "/e", dir),
               "--taus: split times must lie in (0, 1)");
  write_npy(dir + "/short.npy", torch::zeros({7}, torch::kInt64));
  expect_error(run_cli("dae --data " + dir + "/f.npy --labels " + dir + "/short.npy --out " + dir + "/e", dir),
               "short.npy: holds 7 labels");
  // The decoder's condition is its latent: label flags are an error that names the flag, not a library check.
  expect_error(run_cli("dae --data " + dir + "/f.npy --labels " + dir + "/f_labels.npy --arch unet --label-gate --out " + dir + "/e",
                       dir),
               "--label-gate gates the label embeddings: it needs --labels, and only train");
}

TEST(Cli, ImagesDefaultToDebiansFashionMnist) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const auto dir = scratch_dir();
  auto r = run_cli("images --split test --n 50 --seed 3 --out " + dir + "/fm.npy", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto x = read_npy(dir + "/fm.npy");
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{50, 784}));
  EXPECT_GE(x.min().item<float>(), -1.0f);
  EXPECT_LE(x.max().item<float>(), 1.0f);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/fm.spec.json"))["rows_in_source"], 10000);
}

TEST(Cli, ScalingFitsNeuralEntropyAgainstLogN) {
  const auto dir = scratch_dir();
  ASSERT_EQ(run_cli("data gaussian --dim 2 --n 400 --out " + dir + "/g.npy", dir).code, 0);
  const std::string args = "scaling --data " + dir + "/g.npy --sizes 50 100 200 --steps 30 --batch 32 --width 16 --points 5 --samples 16 --out " +
                           dir + "/sc --json";
  auto r = run_cli(args, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["slope"].contains("stderr"));
  ASSERT_EQ(j["points"].size(), 3u);
  EXPECT_EQ(j["batch"], 32);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir + "/sc/run-n50/config.json"))["train"]["batch_size"], 32);
  EXPECT_EQ(lines(slurp(dir + "/sc/scaling.csv")), 4);
  EXPECT_TRUE(std::filesystem::exists(dir + "/sc/scaling.png"));
  // Again: the runs are finished, so the same numbers come back without training.
  r = run_cli(args, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["slope"], j["slope"]);
  expect_error(run_cli("scaling --data " + dir + "/g.npy --sizes 50 100 --out " + dir + "/sc2", dir), "at least 3");
  expect_error(run_cli("scaling --data " + dir + "/g.npy --sizes 50 100 1000 --out " + dir + "/sc2", dir), "has 400 rows");
  expect_error(run_cli("scaling --data " + dir + "/g.npy --sizes 50 100 200 --arch unet --zero-labels --out " + dir + "/sc3", dir),
               "--zero-labels sets where labels start: it needs --labels, and only train");
  EXPECT_FALSE(std::filesystem::exists(dir + "/sc3"));
}

}  // namespace
}  // namespace diffinfo
