"""Models trained elsewhere, measured by diffinfo (docs/own_models.md), with real PyTorch.

Exact-score TorchScript models of a Gaussian and a mixture, one per prediction type and time input
(exact_models.py), go through `diffinfo entropy`, `nll`, `label-entropy` and `mi` with --model; an
exported run goes back into PyTorch and into diffinfo; bad models and cards give one-line errors.
Usage: python3 own_models_test.py PATH/TO/diffinfo
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exact_models as em  # noqa: E402

BINARY = None
VP = {"name": "vp", "beta_min": 0.1, "beta_max": 20.0}
MEASURE = ["--points", "40", "--samples", "100", "--json"]


def run(*args, ok=True):
    r = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    if ok and r.returncode != 0:
        raise AssertionError(f"diffinfo {' '.join(map(str, args))} failed: {r.stderr}")
    return r


def run_json(*args):
    return json.loads(run(*args).stdout)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)


# Modules that are TorchScript but not what diffinfo asks for.
class OneArg(torch.nn.Module):
    def forward(self, x):
        return x


class Narrow(torch.nn.Module):
    def forward(self, x, t):
        return x[:, :1]


class Ints(torch.nn.Module):
    def forward(self, x, t):
        return x.long()


class NanBelow(torch.nn.Module):
    def forward(self, x, t):
        return torch.where(t.unsqueeze(1) < 0.25, x * float("nan"), x)


class OwnModels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.dir = cls.tmp.name
        cls.x = os.path.join(d, "g.npy")
        run("data", "gaussian", "--dim", 3, "--n", 3000, "--mean-scale", 1, "--law-seed", 5, "--out", cls.x)
        with open(os.path.join(d, "g.spec.json")) as f:
            spec = json.load(f)
        cls.mean = torch.tensor(spec["mean"], dtype=torch.float64)
        cls.cov = torch.tensor(spec["cov"], dtype=torch.float64)
        cls.m = os.path.join(d, "m.npy")
        run("data", "mixture", "--dim", 2, "--components", 3, "--n", 3000, "--spread", 2, "--var", 0.3, "--out", cls.m)
        with open(os.path.join(d, "m.spec.json")) as f:
            cls.mix = json.load(f)
        cls.labels = os.path.join(d, "m_labels.npy")

    def path(self, name):
        return os.path.join(self.dir, name)

    def gaussian_model(self, name, prediction, time_input, card=None, betas=None, eq_var=1.0):
        sched = em.Schedule(time_input, betas=betas)
        em.save(em.GaussianScore(self.mean, self.cov, sched, prediction, eq_var), self.path(name + ".pt"))
        if card is not None:
            write_json(self.path(name + ".json"), card)
        return self.path(name + ".pt")

    def check_entropy(self, j, what):
        s_nn = j["neural_entropy"]["value"]
        se = math.hypot(j["neural_entropy"]["stderr"], j["exact"]["total_entropy"]["stderr"])
        s_tot = j["exact"]["total_entropy"]["value"]
        # The exact score on the same draws: equal to float32 rounding of the inputs.
        same = j["exact"]["curve_estimate"]["value"]
        self.assertLess(abs(s_nn - same), 1e-4 * abs(same) + 1e-5, f"{what}: S_NN {s_nn} vs exact scores {same}")
        self.assertLess(abs(s_nn - s_tot), 4 * se, f"{what}: S_NN {s_nn} vs S_tot {s_tot} (stderr {se})")

    def test_entropy_every_prediction_type(self):
        for p in ["epsilon", "sample", "v_prediction", "score", "entropy"]:
            m = self.gaussian_model("vp_" + p, p, "s", {"prediction_type": p, "time_input": "s", "process": VP})
            self.check_entropy(run_json("entropy", "--model", m, "--data", self.x, "--exact", self.path("g.spec.json"), *MEASURE), p)

    def test_entropy_ve_sigma_input_from_flags(self):
        for p in ["epsilon", "score"]:
            m = self.gaussian_model("ve_" + p, p, "sigma", eq_var=0.0)
            j = run_json("entropy", "--model", m, "--data", self.x, "--exact", self.path("g.spec.json"), "--process", "ve",
                         "--sigma-min", 0.01, "--sigma-max", 50, "--prediction-type", p, "--time-input", "sigma", *MEASURE)
            self.assertEqual(j["model"], m)
            self.check_entropy(j, "ve " + p)

    def test_ddpm_scheduler_config(self):
        config = self.path("scheduler_config.json")
        write_json(config, {"_class_name": "DDPMScheduler", "num_train_timesteps": 1000, "beta_start": 0.0001,
                            "beta_end": 0.02, "beta_schedule": "linear", "prediction_type": "epsilon",
                            "clip_sample": True, "variance_type": "fixed_small"})
        betas = em.ddpm_linear_betas()
        eps = self.gaussian_model("ddpm_eps", "epsilon", "index", betas=betas)
        j = run_json("entropy", "--model", eps, "--data", self.x, "--exact", self.path("g.spec.json"),
                     "--scheduler-config", config, *MEASURE)
        self.assertEqual(j["process"]["name"], "ddpm")
        self.check_entropy(j, "ddpm epsilon")
        v = self.gaussian_model("ddpm_v", "v_prediction", "index", betas=betas)
        j = run_json("entropy", "--model", v, "--data", self.x, "--exact", self.path("g.spec.json"), "--scheduler-config",
                     config, "--prediction-type", "v_prediction", *MEASURE)
        self.check_entropy(j, "ddpm v_prediction")
        # The likelihood of the same model: the NLL of Gaussian rows is the law's entropy.
        j = run_json("nll", "--model", eps, "--data", self.x, "--rows", 300, "--scheduler-config", config, "--json")
        h = em.gaussian_entropy(self.cov)
        self.assertLess(abs(j["nll"]["value"] - h), 4 * j["nll"]["stderr"] + 0.01, f"ddpm nll {j['nll']} vs H {h}")

    def test_nll_vp_sample_prediction(self):
        m = self.gaussian_model("vp_nll", "sample", "s", {"prediction_type": "sample", "time_input": "s", "process": VP})
        j = run_json("nll", "--model", m, "--data", self.x, "--rows", 300, "--json")
        h = em.gaussian_entropy(self.cov)
        self.assertLess(abs(j["nll"]["value"] - h), 4 * j["nll"]["stderr"] + 0.01, f"nll {j['nll']} vs H {h}")

    def test_sample_and_thermo(self):
        m = self.gaussian_model("vp_draw", "v_prediction", "s",
                                {"prediction_type": "v_prediction", "time_input": "s", "process": VP, "shape": [3]})
        out = self.path("draws.npy")
        run("sample", "--model", m, "--n", 4000, "--out", out, "--steps", 400)
        draws = torch.from_numpy(np.load(out)).to(torch.float64)
        self.assertEqual(tuple(draws.shape), (4000, 3))
        se = (self.cov.diagonal() / 4000).sqrt()
        err = (draws.mean(0) - self.mean).abs()
        self.assertTrue(bool((err < 4 * se + 0.02).all()), f"sample means {draws.mean(0)} vs {self.mean}")
        j = run_json("thermo", "--model", m, "--data", self.x, "--json")
        self.assertEqual(j["model"], m)

    def mixture_model(self, name, null_label=3):
        w = torch.tensor(self.mix["weights"], dtype=torch.float64)
        means = torch.tensor(self.mix["means"], dtype=torch.float64)
        covs = torch.tensor(self.mix["covs"], dtype=torch.float64)
        em.save(em.MixtureScore(w, means, covs, em.Schedule("s"), "epsilon", 1.0), self.path(name + ".pt"))
        card = {"prediction_type": "epsilon", "time_input": "s", "process": VP, "condition": "labels", "classes": 3,
                "null_label": null_label, "shape": [2]}
        write_json(self.path(name + ".json"), card)
        return self.path(name + ".pt")

    def test_label_entropy_and_mi_of_a_mixture(self):
        m = self.mixture_model("mix")
        j = run_json("label-entropy", "--model", m, "--labels", self.labels, "--exact", self.path("m.spec.json"),
                     "--trajectories", 200, "--steps", 60, "--json")
        e = j["exact"]
        self.assertLess(e["max_abs_difference"], 4 * e["max_abs_difference_stderr"] + 0.02, e)
        # MINDE on exact scores: below H(Y) and near the mixture's label information.
        mi = run_json("mi", "--model", m, "--data", self.m, "--labels", self.labels, *MEASURE)
        self.assertLess(mi["mutual_information"]["value"], math.log(3) + 4 * mi["mutual_information"]["stderr"])
        self.assertGreater(mi["mutual_information"]["value"], 0.3)
        # The same p(x) as a model of its own (--uncond-model): the same numbers on the same draws.
        w = torch.tensor(self.mix["weights"], dtype=torch.float64)
        mix = em.MixtureScore(w, torch.tensor(self.mix["means"], dtype=torch.float64),
                              torch.tensor(self.mix["covs"], dtype=torch.float64), em.Schedule("s"), "epsilon", 1.0)
        uncond = self.path("mix_marginal.pt")
        em.save(em.Unconditional(mix, 3), uncond)
        nonull = self.mixture_model("mix_without_null", null_label=None)
        split = run_json("mi", "--model", nonull, "--uncond-model", uncond, "--data", self.m, "--labels", self.labels, *MEASURE)
        self.assertEqual(split["unconditional_network"], uncond)
        a, b = mi["mutual_information"]["value"], split["mutual_information"]["value"]
        self.assertLess(abs(a - b), 1e-4 * abs(a), f"null label {a} vs --uncond-model {b}")

    def test_export_round_trip(self):
        run_dir = self.path("run")
        run("train", "--data", self.x, "--steps", 200, "--width", 32, "--out", run_dir)
        out = self.path("exported.pt")
        run("export", "--run", run_dir, "--out", out)
        with open(self.path("exported.json")) as f:
            card = json.load(f)
        self.assertEqual(card["prediction_type"], "entropy")
        module = torch.jit.load(out)
        check = card["check"]
        got = module(torch.tensor(check["x"], dtype=torch.float32), torch.tensor(check["t"], dtype=torch.float32))
        want = torch.tensor(check["output"], dtype=torch.float32)
        self.assertLess((got - want).abs().max().item(), 1e-5 * (1 + want.abs().max().item()))
        native = run_json("entropy", "--run", run_dir, "--measure-on", "all", *MEASURE)  # every row, as --data gives
        loaded = run_json("entropy", "--model", out, "--data", self.x, *MEASURE)
        a, b = native["neural_entropy"]["value"], loaded["neural_entropy"]["value"]
        self.assertLess(abs(a - b), 1e-4 * abs(a), f"--run {a} vs --model {b}")

    def test_export_of_a_label_run(self):
        run_dir = self.path("run_labels")
        run("train", "--data", self.m, "--labels", self.labels, "--steps", 200, "--width", 32, "--out", run_dir)
        out = self.path("exported_labels.pt")
        run("export", "--run", run_dir, "--out", out)
        with open(self.path("exported_labels.json")) as f:
            card = json.load(f)
        self.assertEqual((card["classes"], card["null_label"]), (3, 3))
        check = card["check"]
        got = torch.jit.load(out)(torch.tensor(check["x"], dtype=torch.float32), torch.tensor(check["t"], dtype=torch.float32),
                                  torch.tensor(check["y"], dtype=torch.int64))
        want = torch.tensor(check["output"], dtype=torch.float32)
        self.assertLess((got - want).abs().max().item(), 1e-5 * (1 + want.abs().max().item()))
        native = run_json("mi", "--run", run_dir, "--measure-on", "all", *MEASURE)  # every row, as --data gives
        loaded = run_json("mi", "--model", out, "--data", self.m, "--labels", self.labels, *MEASURE)
        a, b = native["mutual_information"]["value"], loaded["mutual_information"]["value"]
        self.assertLess(abs(a - b), 1e-4 * abs(a) + 1e-5, f"--run {a} vs --model {b}")

    def test_export_of_a_unet(self):
        images = self.path("img.npy")
        np.save(images, np.random.default_rng(0).uniform(-1, 1, (256, 64)).astype(np.float32))
        run_dir = self.path("run_unet")
        run("train", "--data", images, "--arch", "unet", "--preset", "tiny", "--image-shape", 1, 8, 8, "--steps", 20,
            "--batch", 32, "--out", run_dir)
        out = self.path("unet.pt")
        run("export", "--run", run_dir, "--out", out)
        with open(self.path("unet.json")) as f:
            card = json.load(f)
        self.assertEqual(card["shape"], [1, 8, 8])
        check = card["check"]
        x = torch.tensor(check["x"], dtype=torch.float32)
        self.assertEqual(tuple(x.shape), (4, 1, 8, 8))
        got = torch.jit.load(out)(x, torch.tensor(check["t"], dtype=torch.float32))
        want = torch.tensor(check["output"], dtype=torch.float32)
        self.assertLess((got - want).abs().max().item(), 1e-4 * (1 + want.abs().max().item()))
        args = ["--points", "8", "--samples", "16", "--json"]
        a = run_json("entropy", "--run", run_dir, *args)["neural_entropy"]["value"]
        b = run_json("entropy", "--model", out, "--data", images, *args)["neural_entropy"]["value"]
        self.assertLess(abs(a - b), 1e-3 * abs(a) + 1e-5, f"--run {a} vs --model {b}")

    def expect_error(self, needle, *args):
        r = run(*args, ok=False)
        self.assertNotEqual(r.returncode, 0, args)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertTrue(r.stderr.startswith("diffinfo: error: "), r.stderr)
        self.assertIn(needle, r.stderr)

    def test_bad_models_and_cards(self):
        flags = ["--data", self.x, "--process", "vp", "--prediction-type", "epsilon"]
        # A state_dict saved with torch.save, and garbage, are not TorchScript archives.
        sd = self.path("state_dict.pt")
        torch.save(torch.nn.Linear(3, 3).state_dict(), sd)
        self.expect_error(sd + ": not a TorchScript archive", "entropy", "--model", sd, *flags)
        junk = self.path("junk.pt")
        with open(junk, "wb") as f:
            f.write(os.urandom(300))
        self.expect_error(junk + ": not a TorchScript archive", "entropy", "--model", junk, *flags)
        self.expect_error("no such file", "entropy", "--model", self.path("absent.pt"), *flags)

        for cls, needle in [(OneArg, "forward takes 1 arguments"), (Narrow, "forward returned [2048, 1] Float"),
                            (Ints, "forward returned [2048, 3] Long, expected a floating tensor"),
                            (NanBelow, "the model returned NaN or Inf, first at s = ")]:
            p = self.path(cls.__name__ + ".pt")
            em.save(cls(), p)
            self.expect_error(p + ": " + needle, "entropy", "--model", p, *flags)
        ok = self.gaussian_model("plain", "epsilon", "s")
        self.expect_error("say what the model predicts", "entropy", "--model", ok, "--data", self.x, "--process", "vp")
        self.expect_error("say which process", "entropy", "--model", ok, "--data", self.x, "--prediction-type", "epsilon")
        self.expect_error(ok + ": the model's shape is unknown", "entropy", "--model", ok, "--process", "vp",
                          "--prediction-type", "epsilon")
        self.expect_error(ok + ": --data X.npy is required", "entropy", "--model", ok, "--process", "vp",
                          "--prediction-type", "epsilon", "--image-shape", 1, 1, 3)
        bad_card = self.path("bad_card.json")
        write_json(bad_card, {"prediction_type": "noise", "process": VP})
        self.expect_error(bad_card + ": prediction_type 'noise' not found", "entropy", "--model", ok, "--card", bad_card, "--data", self.x)
        write_json(bad_card, {"prediction_type": "epsilon", "time_input": "step", "process": VP})
        self.expect_error(bad_card + ": time_input 'step' not found", "entropy", "--model", ok, "--card", bad_card, "--data", self.x)
        bad_sched = self.path("bad_scheduler.json")
        write_json(bad_sched, {"num_train_timesteps": 1000, "beta_schedule": "sigmoid"})
        self.expect_error(bad_sched + ": beta_schedule 'sigmoid' not found", "entropy", "--model", ok, "--scheduler-config",
                          bad_sched, "--data", self.x, "--prediction-type", "epsilon")
        self.expect_error("time input 'index' needs a discrete schedule", "entropy", "--model", ok, "--data", self.x,
                          "--process", "vp", "--prediction-type", "epsilon", "--time-input", "index")
        # Labels the model does not know, and a model without a null label asked for p(x).
        mix = self.mixture_model("mix_nonull", null_label=None)
        wild = self.path("wild_labels.npy")
        np.save(wild, np.array([0, 1, 7] * 10, dtype=np.int64))
        self.expect_error(wild, "label-entropy", "--model", mix, "--labels", wild)
        self.expect_error("no null label", "mi", "--model", mix, "--data", self.m, "--labels", self.labels, *MEASURE)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
