// Models from elsewhere: TorchScript modules of a known score under every prediction type read back as
// that score, diffinfo's export read back as the network it came from, and cards and archives that do
// not fit, each an error naming the file.
#include "diffinfo/model/export.h"
#include "diffinfo/model/mlp.h"
#include "diffinfo/model/torchscript.h"
#include "diffinfo/model/unet.h"
#include "diffinfo/processes/discrete.h"
#include "support.h"

#include <torch/script.h>

namespace diffinfo {
namespace {

// N(0.5, 2 I) in 2-D under VP(0.1, 20), its exact score as each prediction type says (docs/math.md §11).
std::string gaussian_source(const std::string& prediction) {
  const std::string ret = prediction == "epsilon"        ? "eps"
                          : prediction == "sample"       ? "x0"
                          : prediction == "v_prediction" ? "mu * eps - torch.sqrt(var) * x0"
                          : prediction == "score"        ? "score"
                                                         : "score + x";
  return "def forward(self, x, t):\n"
         "    s = t.unsqueeze(1)\n"
         "    bi = 0.1 * s + 9.95 * s * s\n"
         "    mu = torch.exp(-0.5 * bi)\n"
         "    var = -torch.expm1(-bi)\n"
         "    score = -(x - mu * 0.5) / (mu * mu * 2.0 + var)\n"
         "    eps = -torch.sqrt(var) * score\n"
         "    x0 = (x + var * score) / mu\n"
         "    return " + ret + "\n";
}

std::string save_module(const std::string& path, const std::string& source) {
  torch::jit::Module m("test_module");
  m.define(source);
  m.save(path);
  return path;
}

ModelCard card(Prediction p, int64_t dim) {
  ModelCard c;
  c.prediction = p;
  c.time_input = TimeInput::kS;
  c.shape = {dim};
  return c;
}

TEST(TorchScriptModel, EveryPredictionTypeIsTheSameScore) {
  const auto dir = test::scratch_dir();
  std::shared_ptr<const ForwardProcess> vp = make_process("vp");
  const auto x = torch::randn({64, 2}) * 2;
  const auto s = torch::rand({64, 1}) * 0.99 + 0.01;
  const auto mu = vp->mean_factor(s), var = vp->kernel_var(s);
  const auto exact = -(x - mu * 0.5) / (mu * mu * 2.0 + var);
  const auto names = prediction_names();
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    const auto path = save_module(dir + "/" + name + ".pt", gaussian_source(name));
    TorchScriptModel m(path, card(static_cast<Prediction>(i), 2), vp, torch::kCPU);
    EXPECT_TRUE(torch::allclose(m.score(x, s), exact, 1e-4, 1e-4)) << name;
    EXPECT_TRUE(torch::allclose(m.residual(x, s), exact + x, 1e-4, 1e-4)) << name;
  }
}

TEST(TorchScriptModel, TimeInputsAndImageShapes) {
  const auto dir = test::scratch_dir();
  // forward returns t broadcast over x: what the model was called with.
  const auto path = save_module(dir + "/t.pt", "def forward(self, x, t):\n    return torch.ones_like(x) * t.view(-1, 1, 1, 1)\n");
  std::shared_ptr<const ForwardProcess> ddpm = std::make_shared<DiscreteProcess>("linear", 1000, 1e-4, 0.02);
  auto c = card(Prediction::kScore, 0);
  c.shape = {1, 2, 2};
  c.time_input = TimeInput::kIndex;
  TorchScriptModel index(path, c, ddpm, torch::kCPU);
  const auto s = torch::tensor({0.001, 0.5, 1.0}).unsqueeze(1);
  EXPECT_TRUE(torch::allclose(index.output(torch::zeros({3, 4}), s).select(1, 3), torch::tensor({0.0, 499.0, 999.0}), 0, 1e-3));
  c.time_input = TimeInput::kSigma;
  TorchScriptModel sigma(path, c, ddpm, torch::kCPU);
  EXPECT_TRUE(torch::allclose(sigma.output(torch::zeros({3, 4}), s).select(1, 0), ddpm->kernel_var(s).sqrt().squeeze(1), 1e-5));
  c.time_input = TimeInput::kIndex;
  EXPECT_THROWS_WITH(TorchScriptModel(path, c, make_process("vp"), torch::kCPU), path + ": time input 'index' needs a discrete schedule");
}

TEST(TorchScriptModel, ExportReadsBackAsTheNetwork) {
  const auto dir = test::scratch_dir();
  for (const std::string process : {"vp", "sl", "ve"}) {
    for (int64_t classes : {0, 3}) {
      std::shared_ptr<const ForwardProcess> p = make_process(process);
      Mlp net(NetworkOptions(3).width(16).depth(2).classes(classes));
      ScoreModel native(p, net, "entropy", 1.7);
      const auto path = dir + "/" + process + std::to_string(classes) + ".pt";
      export_torchscript(native, path);
      auto c = card(Prediction::kEntropy, 3);
      if (classes) c.condition = CondKind::kLabels, c.classes = classes, c.null_label = classes;
      TorchScriptModel loaded(path, c, p, torch::kCPU);
      const auto x = torch::randn({32, 3});
      const auto s = torch::rand({32, 1}) * 0.98 + 0.01;
      torch::NoGradGuard no_grad;
      EXPECT_TRUE(torch::allclose(loaded.residual(x, s), native.residual(x, s), 1e-5, 1e-6)) << process << classes;
      if (classes) {
        const Condition y(torch::randint(classes, {32}, torch::kInt64), torch::rand({32}) < 0.5);
        EXPECT_TRUE(torch::allclose(loaded.residual(x, s, y), native.residual(x, s, y), 1e-5, 1e-6)) << process;
      }
    }
  }
  // A U-Net with labels and their gate, on 1×8×8 images: its x goes in as [B, 1, 8, 8].
  std::shared_ptr<const ForwardProcess> vp = make_process("vp");
  UNet unet(unet_preset("tiny", {1, 8, 8}).classes(3).label_gate(true));
  ScoreModel native(vp, unet, "entropy", 0.5);
  export_torchscript(native, dir + "/unet.pt");
  auto c = card(Prediction::kEntropy, 0);
  c.shape = {1, 8, 8}, c.condition = CondKind::kLabels, c.classes = 3, c.null_label = 3;
  TorchScriptModel loaded(dir + "/unet.pt", c, vp, torch::kCPU);
  {
    torch::NoGradGuard no_grad;
    const auto x = torch::randn({5, 64});
    const auto s = torch::rand({5, 1}) * 0.98 + 0.01;
    const Condition y(torch::tensor({0, 1, 2, 1, 0}), torch::tensor({true, true, false, true, true}));
    const auto want = native.residual(x, s, y);
    EXPECT_GT(want.abs().max().item<double>(), 1e-3);
    EXPECT_TRUE(torch::allclose(loaded.residual(x, s, y), want, 1e-4, 1e-5));
  }
  Mlp vector_net(NetworkOptions(3).width(8).depth(1).cond_dim(2));
  ScoreModel vector_model(vp, vector_net, "entropy", 1.0);
  EXPECT_THROWS_WITH(export_torchscript(vector_model, dir + "/v.pt"), "a vector-conditioned model (train --cond) cannot be exported yet");
}

TEST(TorchScriptModel, ArchivesAndCardsThatDoNotFitAreNamed) {
  const auto dir = test::scratch_dir();
  std::shared_ptr<const ForwardProcess> vp = make_process("vp");
  test::spit(dir + "/junk.pt", std::string(200, 'x'));
  EXPECT_THROWS_WITH(TorchScriptModel(dir + "/junk.pt", card(Prediction::kScore, 2), vp, torch::kCPU),
                     dir + "/junk.pt: not a TorchScript archive");
  EXPECT_THROWS_WITH(TorchScriptModel(dir + "/none.pt", card(Prediction::kScore, 2), vp, torch::kCPU), dir + "/none.pt: no such file");
  const auto plain = save_module(dir + "/plain.pt", "def forward(self, x, t):\n    return x\n");
  auto c = card(Prediction::kScore, 2);
  c.prediction.reset();
  EXPECT_THROWS_WITH(TorchScriptModel(plain, c, vp, torch::kCPU), plain + ": say what the model predicts");
  c = card(Prediction::kScore, 2);
  c.condition = CondKind::kLabels, c.classes = 3;
  EXPECT_THROWS_WITH(TorchScriptModel(plain, c, vp, torch::kCPU), "but forward takes no y");
  const auto cond = save_module(dir + "/cond.pt", "def forward(self, x, t, y):\n    return x\n");
  EXPECT_THROWS_WITH(TorchScriptModel(cond, card(Prediction::kScore, 2), vp, torch::kCPU), cond + ": forward takes a condition y");
  c.null_label = 1;
  EXPECT_THROWS_WITH(TorchScriptModel(cond, c, vp, torch::kCPU), "null_label 1 is one of the classes 0…2");
  c.null_label.reset();
  TorchScriptModel no_null(cond, c, vp, torch::kCPU);
  const auto x = torch::zeros({4, 2}), s = torch::full({4, 1}, 0.5);
  EXPECT_THROWS_WITH(no_null.score(x, s), cond + ": the model has no null label");
  EXPECT_THROWS_WITH(no_null.score(x, s, Condition(torch::tensor({0, 1, 2, 3}))), cond + ": labels must lie in 0…2");
  // A card's reference evaluations must be what the module computes.
  auto checked = card(Prediction::kScore, 2);
  checked.check = nlohmann::json::parse(R"({"x": [[1, 2]], "t": [0.5], "output": [[1, 2]]})");
  EXPECT_NO_THROW(TorchScriptModel(plain, checked, vp, torch::kCPU));
  checked.check["output"] = nlohmann::json::parse("[[1, 3]]");
  EXPECT_THROWS_WITH(TorchScriptModel(plain, checked, vp, torch::kCPU),
                     plain + ": forward differs from its card's check values by 1 (at most 0.0004 expected)");
  checked.check.erase("t");
  EXPECT_THROWS_WITH(TorchScriptModel(plain, checked, vp, torch::kCPU), plain + ": its card's \"check\" is malformed");
  TorchScriptModel plain_model(plain, card(Prediction::kScore, 2), vp, torch::kCPU);
  EXPECT_THROWS_WITH(plain_model.score(torch::zeros({4, 3}), s), plain + ": expected points [B, 2]");
  const auto nan = save_module(dir + "/nan.pt", "def forward(self, x, t):\n    return x / (t.unsqueeze(1) - 0.25)\n");
  TorchScriptModel nan_model(nan, card(Prediction::kScore, 2), vp, torch::kCPU);
  EXPECT_THROWS_WITH(nan_model.score(torch::zeros({4, 2}), torch::tensor({0.9, 0.25, 0.5, 0.25}).unsqueeze(1)),
                     nan + ": the model returned NaN or Inf, first at s = 0.25");
}

TEST(ModelCard, ReadsFieldsAndNamesBadOnes) {
  const auto c = ModelCard::from_json(nlohmann::json::parse(R"({"prediction_type": "v_prediction",
      "scheduler": {"num_train_timesteps": 100, "prediction_type": "epsilon"}, "shape": [1, 4, 4],
      "condition": "labels", "classes": 10, "null_label": -1, "data_range": [0, 1]})"));
  EXPECT_EQ(*c.prediction, Prediction::kV);  // the card's own field wins over its scheduler's
  EXPECT_EQ(c.process["name"], "ddpm");
  EXPECT_EQ(c.shape, (std::vector<int64_t>{1, 4, 4}));
  EXPECT_EQ(*c.null_label, -1);
  EXPECT_EQ(ModelCard::from_json(c.to_json()).to_json(), c.to_json());
  ModelCard flags;
  flags.prediction = Prediction::kScore;
  EXPECT_EQ(*flags.over(c).prediction, Prediction::kScore);
  EXPECT_EQ(flags.over(c).classes, 10);
  EXPECT_THROWS_WITH(ModelCard::from_json({{"predicton_type", "epsilon"}}), "card field 'predicton_type' not found");
  EXPECT_THROWS_WITH(ModelCard::from_json({{"prediction_type", "noise"}}), "prediction_type 'noise' not found; known: epsilon");
  EXPECT_THROWS_WITH(ModelCard::from_json({{"shape", {0, 3}}}), "field \"shape\" must be [D] or [C, H, W]");
  EXPECT_THROWS_WITH(ModelCard::from_json({{"classes", "ten"}}), "field \"classes\" must be an integer >= 1");
  EXPECT_THROWS_WITH(ModelCard::from_json({{"process", {{"name", "bogus"}}}}), "process 'bogus' not found");
  const auto dir = test::scratch_dir();
  test::spit(dir + "/c.json", "{\"time_input\": \"step\"}");
  EXPECT_THROWS_WITH(read_card(dir + "/c.json"), dir + "/c.json: time_input 'step' not found");
  test::spit(dir + "/c.json", "{oops");
  EXPECT_THROWS_WITH(read_card(dir + "/c.json"), dir + "/c.json: not valid JSON");
}

}  // namespace
}  // namespace diffinfo
