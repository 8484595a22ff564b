"""Several ranks as one (docs/distributed.md): real c10d process groups (TCPStore + Gloo) on 127.0.0.1.

- Training with 2 ranks and global batch B ends with the weights of one process with batch B.
- entropy, mi, nll, label-entropy and thermo on 2 ranks report the single-process value ± stderr.
- A killed rank stops the run with a one-line error naming it; --resume then ends exactly as an
  unbroken run. A rank that never joins, a port in use, ranks on other data, and a resume with
  another number of ranks are one-line errors; torchrun launches the binary unchanged.
Usage: python3 distributed_test.py PATH/TO/diffinfo
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np
import torch

BINARY = None
TIMEOUT = ["--dist-timeout", "20"]
MEASURE = ["--points", "20", "--samples", "64", "--eval-batch", "100", "--json"]
TRAIN = ["--steps", "300", "--batch", "64", "--width", "32", "--depth", "2", "--checkpoint-every", "100",
         "--log-every", "50", "--quiet"]


def run(*args, ok=True, env=None, timeout=300):
    r = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout)
    if ok and r.returncode != 0:
        raise AssertionError(f"diffinfo {' '.join(map(str, args))} failed: {r.stderr}")
    return r


def run_json(*args):
    return json.loads(run(*args).stdout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rank_env(rank, size, port):
    env = dict(os.environ)
    env.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(size), LOCAL_WORLD_SIZE=str(size),
               MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    return env


def weights(run_dir):
    """The checkpoint's tensors by name (a LibTorch archive is a TorchScript module)."""
    archive = torch.jit.load(os.path.join(run_dir, "checkpoint.pt"))
    return {k: v.detach().clone() for k, v in archive.state_dict().items()}


def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-12)



def last_loss_line(run_dir):
    """The last training-loss line of a run's log (held-out and end-of-run lines follow it)."""
    lines = [json.loads(l) for l in open(os.path.join(run_dir, "train_log.jsonl"))]
    return [j for j in lines if "loss" in j][-1]

class Distributed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        rng = np.random.default_rng(5)
        cls.x = os.path.join(d, "x.npy")
        np.save(cls.x, rng.normal(size=(2000, 3)) @ np.array([[1.0, 0.3, 0.0], [0.0, 0.8, 0.2], [0.0, 0.0, 0.5]]))
        labels = rng.integers(0, 3, size=2000)
        means = np.array([[2.0, 0.0, 0.0], [-1.0, 1.7, 0.0], [-1.0, -1.7, 0.0]])
        cls.xl, cls.y = os.path.join(d, "xl.npy"), os.path.join(d, "y.npy")
        np.save(cls.xl, means[labels] + 0.5 * rng.normal(size=(2000, 3)))
        np.save(cls.y, labels.astype(np.int64))
        cls.one = os.path.join(d, "one")
        run("train", "--data", cls.x, "--out", cls.one, *TRAIN)
        cls.two = os.path.join(d, "two")
        run("train", "--data", cls.x, "--out", cls.two, *TRAIN, "--nproc", "2", *TIMEOUT)
        cls.labelled = os.path.join(d, "labelled")
        run("train", "--data", cls.xl, "--labels", cls.y, "--out", cls.labelled, *TRAIN)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_two_ranks_train_the_one_process_model(self):
        a, b = weights(self.one), weights(self.two)
        self.assertEqual(a.keys(), b.keys())
        diffs = [((a[k] - b[k]).norm() / a[k].norm().clamp_min(1e-12)).item() for k in a if a[k].is_floating_point()]
        self.assertLess(max(diffs), 1e-5, "weights of 2 ranks differ from 1 process")
        # The run says how many ranks trained it and logs the all-reduce's time.
        self.assertEqual(json.load(open(os.path.join(self.two, "config.json")))["train"]["ranks"], 2)
        last = last_loss_line(self.two)
        self.assertIn("allreduce_seconds", last)
        first = last_loss_line(self.one)
        self.assertTrue(close(first["loss"], last["loss"], 1e-4), (first["loss"], last["loss"]))

    def test_ranks_hold_out_the_same_rows(self):
        # Both runs record one split, and the 2-rank run's held-out loss is the 1-process run's.
        a = np.load(os.path.join(self.one, "holdout.npy"))
        b = np.load(os.path.join(self.two, "holdout.npy"))
        self.assertTrue((a == b).all())
        held = lambda d: [json.loads(l) for l in open(os.path.join(d, "train_log.jsonl")) if "holdout_loss" in l]
        for x, y in zip(held(self.one), held(self.two)):
            self.assertTrue(close(x["holdout_loss"], y["holdout_loss"], 1e-4), (x, y))

    def assert_same(self, one, two, keys):
        for key in keys:
            node_1, node_2 = one, two
            for k in key:
                node_1, node_2 = node_1[k], node_2[k]
            for field in ("value", "stderr"):
                self.assertTrue(close(node_1[field], node_2[field], 1e-5), (key, field, node_1, node_2))

    def measure_both(self, *args):
        one = run_json(*args, *MEASURE)
        two = run_json(*args, *MEASURE, "--nproc", "2", *TIMEOUT)
        return one, two

    def test_sharded_entropy_and_thermo(self):
        one, two = self.measure_both("entropy", "--run", self.one, "--csv", self.path("e.csv"))
        self.assert_same(one, two, [("neural_entropy",)])
        one, two = self.measure_both("thermo", "--run", self.one, "--csv", self.path("t.csv"))
        self.assert_same(one, two, [("divergence_form", "system"), ("norm_form", "intrinsic"), ("stein", "score_norm")])

    def test_sharded_nll(self):
        one, two = self.measure_both("nll", "--run", self.one, "--rows", "60", "--batch", "16", "--ddpm-steps", "0",
                                     "--csv", self.path("n.csv"))
        self.assert_same(one, two, [("nll",)])

    def test_sharded_mi_and_label_entropy(self):
        one, two = self.measure_both("mi", "--run", self.labelled, "--csv", self.path("m.csv"))
        self.assert_same(one, two, [("mutual_information",)])
        args = ["label-entropy", "--run", self.labelled, "--trajectories", "60", "--steps", "40", "--eval-batch", "16",
                "--csv", self.path("l.csv")]
        one, two = run_json(*args, "--json"), run_json(*args, "--json", "--nproc", "2", *TIMEOUT)
        self.assert_same(one, two, [("conditional_entropy_final",), ("information_final",)])

    def test_killed_rank_stops_the_run_and_it_resumes(self):
        big = ["--steps", "300", "--batch", "1024", "--width", "256", "--depth", "3", "--checkpoint-every", "50",
               "--log-every", "50", "--quiet", "--nproc", "2", *TIMEOUT]
        unbroken, broken = self.path("unbroken"), self.path("broken")
        run("train", "--data", self.x, "--out", unbroken, *big)
        launcher = subprocess.Popen([BINARY, "train", "--data", self.x, "--out", broken, *big],
                                    stderr=subprocess.PIPE, text=True)
        ckpt = os.path.join(broken, "checkpoint.pt")
        while not os.path.exists(ckpt) and launcher.poll() is None:
            time.sleep(0.02)
        children = subprocess.run(["pgrep", "-P", str(launcher.pid)], capture_output=True, text=True).stdout.split()
        rank1 = [p for p in children if b"RANK=1\0" in open(f"/proc/{p}/environ", "rb").read()]
        self.assertEqual(len(rank1), 1, "rank 1 not found among the launcher's children")
        os.kill(int(rank1[0]), signal.SIGKILL)
        start = time.time()
        _, err = launcher.communicate(timeout=120)
        self.assertNotEqual(launcher.returncode, 0)
        self.assertLess(time.time() - start, 30, "the surviving rank did not stop in bounded time")
        self.assertIn("rank 1 of 2 was killed by signal 9", err)
        self.assertIn("rank 1 died or stopped answering", err)
        step = json.loads(open(os.path.join(broken, "train_log.jsonl")).read().splitlines()[-1])["step"]
        self.assertLess(step, 300, "the run ended before rank 1 was killed: make its steps slower")
        # The checkpoint is intact and the run resumes, with as many ranks, to the unbroken run's end.
        wrong = run("train", "--out", broken, "--resume", "--quiet", ok=False)
        self.assertNotEqual(wrong.returncode, 0)
        self.assertIn("trained with 2 rank(s), resumed with 1", wrong.stderr)
        run("train", "--out", broken, "--resume", "--quiet", "--nproc", "2", *TIMEOUT)
        a, b = weights(unbroken), weights(broken)
        for k in a:
            self.assertTrue(torch.equal(a[k], b[k]), f"{k}: the resumed run differs from the unbroken one")

    def test_rank_that_never_joins(self):
        start = time.time()
        r = run("entropy", "--run", self.one, *MEASURE, "--dist-timeout", "3", ok=False, env=rank_env(0, 2, free_port()))
        self.assertNotEqual(r.returncode, 0)
        self.assertLess(time.time() - start, 30)
        self.assertIn("rank 1 never joined", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_port_in_use(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            r = run("entropy", "--run", self.one, *MEASURE, "--dist-timeout", "3", ok=False,
                    env=rank_env(0, 2, s.getsockname()[1]))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("is MASTER_PORT in use", r.stderr)

    def test_ranks_on_other_data(self):
        other = self.path("x_other.npy")
        np.save(other, np.load(self.x)[::-1].copy() * 1.1)
        port = free_port()
        procs = [subprocess.Popen([BINARY, "train", "--data", data, "--out", self.path("mixed"), *TRAIN, *TIMEOUT],
                                  env=rank_env(rank, 2, port), stderr=subprocess.PIPE, text=True)
                 for rank, data in ((0, self.x), (1, other))]
        errs = [p.communicate(timeout=120)[1] for p in procs]
        self.assertTrue(all(p.returncode != 0 for p in procs), errs)
        self.assertIn("of rank 1 differs from rank 0's", errs[0])
        self.assertFalse(os.path.exists(os.path.join(self.path("mixed"), "checkpoint.pt")))

    def test_bad_environment_and_flags(self):
        env = dict(os.environ, WORLD_SIZE="2")
        env.pop("RANK", None)
        r = run("entropy", "--run", self.one, *MEASURE, ok=False, env=env)
        self.assertIn("RANK is not set", r.stderr)
        r = run("train", "--data", self.x, "--out", self.path("small"), "--batch", "1", "--steps", "2", "--quiet",
                "--nproc", "2", *TIMEOUT, ok=False)
        self.assertIn("needs a row for each of the 2 ranks", r.stderr)

    def test_torchrun_launches_the_binary(self):
        one = run_json("entropy", "--run", self.one, *MEASURE)
        # --redirects/--tee: Debian's torchrun 1.13 on Python 3.11 fails on their default "0" (an IntFlag
        # lookup that 3.11 changed); any other value passes. stdout stays the console's.
        r = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--no_python", "--standalone",
                            "--nproc_per_node=2", "--redirects", "2", "--tee", "2", "--log_dir", self.path("torchrun"), BINARY, "entropy", "--run", self.one, *MEASURE, *TIMEOUT],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        two = json.loads(r.stdout)  # rank 0 alone prints
        self.assert_same(one, two, [("neural_entropy",)])


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
