"""Bad input, generated (docs/robustness.md): every input path of the CLI × every kind of damage, and
every numeric option of every command × every kind of impossible value.

Each bad case must end with exit status 1 and exactly one line on stderr, "diffinfo: error: …",
that names the damaged file or the option; no library text ("[json.exception", "Exception raised
from", "terminate called"); in under a minute and under 1.5 GB of memory (so a header claiming a
huge shape is refused before it is allocated). Each input path also runs once undamaged and must
succeed, so a harness that fails everything fails here. Then the run-directory promises: a full
disk during a checkpoint, a corrupt newest checkpoint, resume that would shrink a run, two trains
racing into one directory, and a resume into a live run.
Usage: python3 bad_input_test.py PATH/TO/diffinfo
"""
import concurrent.futures
import gzip
import json
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

BINARY = None
WORK = None
MAX_RSS_KB = 1_500_000
RAW = ["[json.exception", "Exception raised from", "terminate called", "c10::Error", "what():", "std::"]
ENV = dict(os.environ, OMP_NUM_THREADS="1")
QUICK = ["--points", "4", "--samples", "8", "--eval-batch", "64"]
TINY = ["--steps", "20", "--batch", "32", "--depth", "1", "--checkpoint-every", "10", "--quiet", "--width", "8"]


def run(args, preexec=None, timeout=120):
    """(exit status, stdout, stderr, max RSS in kB, seconds) of the binary on args."""
    start = time.time()
    p = subprocess.Popen([BINARY, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                         preexec_fn=preexec)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return -999, out.decode(errors="replace"), err.decode(errors="replace"), 0, timeout
    # The child's own peak memory (wait4 gives it per process; communicate has reaped it, so read /proc
    # is too late): ru_maxrss of RUSAGE_CHILDREN is the peak of any child so far, measured around each.
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace"), rss, time.time() - start


def npy(array, path):
    np.save(path, array, allow_pickle=False)
    return path


def npy_header(descr, shape, fortran=False, length=None, data=b""):
    """A version-1 .npy file whose header says what we like, followed by `data`."""
    h = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    h = h + " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    n = len(h) if length is None else length
    if n > 0xFFFF:
        return b"\x93NUMPY\x02\x00" + struct.pack("<I", n) + h.encode() + data
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", n) + h.encode() + data


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def damaged_npy(good):
    """Kind -> bytes of a damaged data .npy, from the good file's bytes."""
    raw = read(good)
    rows = np.load(good)
    return {
        "empty": b"",
        "truncated-header": raw[:12],
        "truncated-data": raw[: len(raw) - 100],
        "garbage": bytes(np.random.default_rng(1).integers(0, 256, 400, dtype=np.uint8)),
        "bad-magic": b"\x93NUMPX" + raw[6:],
        "huge-header-length": b"\x93NUMPY\x02\x00\xff\xff\xff\xff" + b"{'descr'",
        "huge-shape": npy_header("<f8", "(1000000000000, 3)"),
        "overflowing-shape": npy_header("<f8", "(4611686018427387904, 4611686018427387904)"),
        "negative-dimension": npy_header("<f8", "(-8, 2)", data=b"\0" * 128),
        "wrong-dtype-complex": npy_header("<c8", "(4, 2)", data=b"\0" * 64),
        "wrong-dtype-string": npy_header("<U3", "(4,)", data=b"\0" * 48),
        "wrong-dtype-int": npy_header("<i8", "(100, 2)", data=b"\1" * 1600),
        "big-endian": npy_header(">f8", "(100, 2)", data=rows.astype(">f8").tobytes()),
        "fortran-order": npy_header("<f8", "(100, 2)", fortran=True, data=rows.tobytes()),
        "rank-3": npy_header("<f8", "(10, 10, 2)", data=rows.tobytes()),
        "zero-rows": npy_header("<f8", "(0, 2)"),
        "one-row": npy_header("<f8", "(1, 2)", data=rows[:1].tobytes()),
        "nan": npy_header("<f8", "(100, 2)", data=np.where(np.arange(200).reshape(100, 2) == 77, np.nan, rows).tobytes()),
        "inf": npy_header("<f8", "(100, 2)", data=np.where(np.arange(200).reshape(100, 2) == 5, np.inf, rows).tobytes()),
        "constant": npy_header("<f8", "(100, 2)", data=np.zeros((100, 2)).tobytes()),
        "extra-bytes": raw + b"\0" * 16,
        "unterminated-shape": npy_header("<f8", "(100, 2", data=rows.tobytes()),
        "no-descr": write_bytes_header("{'fortran_order': False, 'shape': (100, 2), }", rows.tobytes()),
    }


def write_bytes_header(h, data):
    h = h + " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + data


def damaged_csv():
    return {
        "empty": "",
        "header-only": "x,y\n",
        "ragged": "1,2\n3\n4,5\n",
        "text-field": "1,2\n3,abc\n",
        "binary": bytes(range(256)) * 3,
        "nan": "1,2\nnan,3\n4,5\n",
        "out-of-range": "1,2\n1e400,3\n4,5\n",
        "trailing-comma": "1,2,\n3,4,\n",
    }


def damaged_labels(n):
    lab = np.arange(n) % 3
    return {
        "float": npy_header("<f8", f"({n},)", data=lab.astype(np.float64).tobytes()),
        "negative": npy_header("<i8", f"({n},)", data=np.where(np.arange(n) == 3, -1, lab).astype(np.int64).tobytes()),
        "extreme": npy_header("<i8", f"({n},)", data=np.where(np.arange(n) == 3, 400_000_000, lab).astype(np.int64).tobytes()),
        "int64-max": npy_header("<i8", f"({n},)", data=np.where(np.arange(n) == 3, 2**63 - 1, lab).astype(np.int64).tobytes()),
        "missing-class": npy_header("<i8", f"({n},)", data=(lab * 2).astype(np.int64).tobytes()),
        "rank-2": npy_header("<i8", f"({n // 2}, 2)", data=lab.astype(np.int64).tobytes()),
        "wrong-count": npy_header("<i8", f"({n - 10},)", data=lab[: n - 10].astype(np.int64).tobytes()),
        "huge-shape": npy_header("<i8", "(1000000000000,)"),
        "empty": b"",
    }


def damaged_json(good_text):
    good = json.loads(good_text)
    out = {
        "empty": "",
        "not-json": "{this is not json",
        "truncated": good_text[: len(good_text) // 2],
        "deep-nesting": "[" * 200_000 + "]" * 200_000,
        "array": "[1, 2, 3]",
        "binary": bytes(range(256)),
    }

    def mutate(name, f):
        j = json.loads(good_text)
        f(j)
        out[name] = json.dumps(j)

    first = "model" if "model" in good else next(iter(good))  # a field every reader needs
    mutate("wrong-type", lambda j: j.__setitem__(first, {"nested": [1, 2]}))
    mutate("missing-field", lambda j: j.pop(first))
    for key, value in good.items():
        if isinstance(value, dict) and value.get("kind") != "none":  # an unconditional run's cond section is unread
            for k, v in value.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    mutate(f"string-{key}.{k}", lambda j, key=key, k=k: j[key].__setitem__(k, "seven"))
                    mutate(f"negative-{key}.{k}", lambda j, key=key, k=k: j[key].__setitem__(k, -50))
                    mutate(f"huge-{key}.{k}", lambda j, key=key, k=k: j[key].__setitem__(k, 1e300))
                if isinstance(v, str):
                    mutate(f"bogus-{key}.{k}", lambda j, key=key, k=k: j[key].__setitem__(k, "bogus"))
                if isinstance(v, list):
                    mutate(f"ragged-{key}.{k}", lambda j, key=key, k=k: j[key].__setitem__(k, [[1], [1, 2]]))
    return out


def damaged_checkpoint(good, foreign):
    raw = read(good)
    out = {"empty": b"", "truncated": raw[: len(raw) // 2], "garbage": bytes(range(256)) * 40,
           "foreign": read(foreign), "no-checksum": raw[:-41]}
    for i, at in enumerate([100, len(raw) // 3, len(raw) // 2, len(raw) - 200, len(raw) - 30]):
        flipped = bytearray(raw)
        flipped[at] ^= 1 << (i % 8)
        out[f"bit-{at}"] = bytes(flipped)
    return out


def idx(shape, data, magic=0x08):
    return bytes([0, 0, magic, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape) + data


def damaged_idx():
    good = idx((10, 28, 28), np.random.default_rng(3).integers(0, 256, 10 * 28 * 28, dtype=np.uint8).tobytes())
    return {
        "empty": b"",
        "bad-magic": b"\1\2\3\4" + good[4:],
        "float-type": idx((10, 28, 28), bytes(10 * 28 * 28), magic=0x0D),
        "truncated": good[:1000],
        "zero-dimensions": idx((50, 0, 0), b""),
        "huge-claimed": idx((4_000_000_000, 28, 28), b"\0" * 64),
        "trailing": good + b"\0" * 10,
        "gzip-garbage": b"\x1f\x8b\x08\x00" + bytes(range(200)),
        "gzip-truncated": gzip.compress(good)[: len(gzip.compress(good)) // 2],
    }


def damaged_cifar():
    rec = bytes([3]) + bytes(3072)
    return {"empty": b"", "partial": rec + rec[:1000], "label-10": bytes([10]) + bytes(3072), "text": b"hello\n" * 100}


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cases = []  # (name, args, the file or option the message must name)
        d = lambda *p: os.path.join(WORK, *p)
        os.makedirs(d("bad"), exist_ok=True)
        rng = np.random.default_rng(0)
        cls.data = npy(rng.normal(size=(100, 2)), d("data.npy"))
        cls.labels = npy(np.arange(100, dtype=np.int64) % 3, d("labels.npy"))
        subprocess.run([BINARY, "data", "gaussian", "--dim", "2", "--n", "200", "--out", d("law.npy")], check=True,
                       capture_output=True)
        for name, width in [("run", "8"), ("wide", "16")]:
            subprocess.run([BINARY, "train", "--data", d("law.npy"), "--out", d(name), *TINY[:-1], width], check=True, env=ENV)
        write(d("good.csv"), "x,y\n" + "".join(f"{a},{b}\n" for a, b in rng.normal(size=(100, 2))))
        write(d("images.idx"), idx((10, 28, 28), bytes(range(256)) * 30 + bytes(10 * 28 * 28 - 7680)))
        write(d("labels.idx"), idx((10,), bytes([i % 3 for i in range(10)])))
        write(d("cifar.bin"), (bytes([3]) + bytes(3072)) * 4)

        def add(kind, name, make_args, target, data):
            path = d("bad", f"{kind}-{name}")
            write(path, data)
            cls.cases.append((f"{kind} {name}", make_args(path), path))

        train = lambda p: ["train", "--data", p, "--out", d("bad", "out-" + os.path.basename(p)), *TINY]
        for name, data in damaged_npy(cls.data).items():
            add("train --data .npy", name + ".npy", train, None, data)
        for name, data in damaged_csv().items():
            add("train --data .csv", name + ".csv", train, None, data)
        labelled = lambda p: ["train", "--data", cls.data, "--labels", p, "--out", d("bad", "out-" + os.path.basename(p)), *TINY]
        for name, data in damaged_labels(100).items():
            add("train --labels", name + ".npy", labelled, None, data)
        with_cond = lambda p: ["train", "--data", cls.data, "--cond", p, "--out", d("bad", "out-" + os.path.basename(p)), *TINY]
        for name in ["nan", "huge-shape", "wrong-dtype-string", "truncated-data", "zero-rows"]:
            add("train --cond", name + ".npy", with_cond, None, damaged_npy(cls.data)[name])
        exact = lambda p: ["entropy", "--run", d("run"), "--exact", p, *QUICK]
        for name, data in damaged_json(read(d("law.spec.json"), "r")).items():
            add("entropy --exact", name + ".json", exact, None, data)
        for name, data in damaged_idx().items():
            add("images --idx-images", name + ".idx", lambda p: ["images", "--idx-images", p, "--idx-labels", d("labels.idx"),
                                                                 "--out", d("bad", "img.npy")], None, data)
        for name, data in damaged_cifar().items():
            add("images --cifar", name + ".bin", lambda p: ["images", "--cifar", p, "--out", d("bad", "cifar.npy")], None, data)

        # Run directories: a damaged config.json or checkpoint.pt inside a copy of a good run.
        def add_run(kind, name, file, data, command):
            run_dir = d("bad", f"run-{kind}-{name}")
            shutil.copytree(d("run"), run_dir)
            for stale in ["checkpoint.prev.pt"]:
                if os.path.exists(os.path.join(run_dir, stale)):
                    os.remove(os.path.join(run_dir, stale))
            path = os.path.join(run_dir, file)
            write(path, data)
            cls.cases.append((f"{kind} {name}", command(run_dir), path))

        measure = lambda r: ["entropy", "--run", r, *QUICK]
        resume = lambda r: ["train", "--resume", "--out", r, "--steps", "30", "--quiet"]
        for name, data in damaged_json(read(d("run", "config.json"), "r")).items():
            add_run("config.json", name, "config.json", data, measure)
        for name, data in damaged_checkpoint(d("run", "checkpoint.pt"), d("wide", "checkpoint.pt")).items():
            add_run("checkpoint.pt (entropy)", name, "checkpoint.pt", data, measure)
            add_run("checkpoint.pt (resume)", name, "checkpoint.pt", data, resume)

        # Missing files and directories where a file is expected, on every path above.
        for kind, make in [("train --data", train), ("train --labels", labelled), ("entropy --exact", exact)]:
            for name, path in [("missing", d("bad", "no-such-file.npy")), ("directory", d("bad"))]:
                cls.cases.append((f"{kind} {name}", make(path), path))
        cls.cases.append(("entropy --run missing", ["entropy", "--run", d("bad", "no-run"), *QUICK], d("bad", "no-run")))
        cls.cases.append(("entropy --run a file", ["entropy", "--run", cls.data, *QUICK], cls.data))

    def check(self, name, args, target):
        rc, out, err, rss, secs = run(args)
        lines = [l for l in err.splitlines() if l.strip()]
        problems = []
        if rc != 1:
            problems.append(f"exit status {rc}")
        if len(lines) != 1 or not lines[0].startswith("diffinfo: error: "):
            problems.append(f"{len(lines)} stderr lines")
        elif target not in lines[0]:
            problems.append(f"the message does not name {target}")
        if any(r in err for r in RAW):
            problems.append("library text")
        if secs > 60:
            problems.append(f"{secs:.0f} s")
        return problems, err.strip()[:300], rss

    def test_every_input_path_damaged_every_way(self):
        self.assertGreater(len(self.cases), 150)
        failures = []
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda c: (c, self.check(*c)), self.cases))
        for (name, args, target), (problems, err, rss) in results:
            if problems:
                failures.append(f"{name}: {', '.join(problems)}: {err}")
        # Peak memory of any child: a header that claims terabytes must not reach the allocator.
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        self.assertLess(rss, MAX_RSS_KB, f"a bad input cost {rss / 1e6:.1f} GB before its error")
        self.assertEqual(failures, [], f"{len(failures)} of {len(self.cases)} bad inputs:\n" + "\n".join(failures))

    def test_the_undamaged_inputs_work(self):
        d = lambda *p: os.path.join(WORK, *p)
        for args in [["train", "--data", self.data, "--out", d("ok-npy"), *TINY],
                     ["train", "--data", d("good.csv"), "--out", d("ok-csv"), *TINY],
                     ["train", "--data", self.data, "--labels", self.labels, "--out", d("ok-labels"), *TINY],
                     ["entropy", "--run", d("run"), "--exact", d("law.spec.json"), *QUICK],
                     ["images", "--idx-images", d("images.idx"), "--idx-labels", d("labels.idx"), "--out", d("ok-img.npy")],
                     ["images", "--cifar", d("cifar.bin"), "--out", d("ok-cifar.npy")]]:
            rc, _, err, _, _ = run(args)
            self.assertEqual(rc, 0, f"{' '.join(map(str, args))}: {err}")


def numeric_options(command):
    """(option, values it takes) for every numeric option in `diffinfo COMMAND --help`."""
    help_text = subprocess.run([BINARY, *command.split(), "--help"], capture_output=True, text=True).stdout
    options = []
    for m in re.finditer(r"^\s+(--[a-z0-9-]+)\s+(INT|UINT|FLOAT)[^\s]*(?: x (\d+))?", help_text, re.M):
        options.append((m.group(1), int(m.group(3) or 1)))
    return options


COMMANDS = ["train", "entropy", "demo", "mi", "sample", "tc", "label-entropy", "nll", "thermo", "thermo-sweep", "images",
            "scaling", "classify", "dae", "export", "data gaussian", "data mixture", "data uniform", "data joint-gaussian",
            "data bmi"]
MAY_BE_NEGATIVE = {"--class", "--null-label", "--range", "--guidance-scale"}


class BadOptions(unittest.TestCase):
    def test_every_numeric_option_refuses_impossible_values(self):
        cases = []
        for command in COMMANDS:
            options = numeric_options(command)
            self.assertTrue(options or command in ("export",), f"no numeric option found in 'diffinfo {command} --help'")
            for option, count in options:
                for value in ["nan", "inf", "1e30", "99999999999999999999"] + ([] if option in MAY_BE_NEGATIVE else ["-1"]):
                    cases.append((command, option, [*command.split(), option, *[value] * count]))
        self.assertGreater(len(cases), 300)
        failures = []

        def one(case):
            command, option, args = case
            rc, _, err, _, _ = run(args, timeout=60)
            lines = [l for l in err.splitlines() if l.strip()]
            if rc != 1 or len(lines) != 1 or option not in lines[0] or any(r in err for r in RAW):
                return f"diffinfo {' '.join(args)}: exit {rc}: {err.strip()[:200]}"
            return None

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            failures = [f for f in pool.map(one, cases) if f]
        self.assertEqual(failures, [], f"{len(failures)} of {len(cases)}:\n" + "\n".join(failures[:40]))

    def test_unknown_command_and_choice_are_named(self):
        rc, _, err, _, _ = run(["bogus"])
        self.assertEqual(rc, 1)
        self.assertIn("bogus", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        rc, _, err, _, _ = run(["train", "--data", "x.npy", "--out", "o", "--arch", "unet", "--preset", "bogus"])
        self.assertEqual(rc, 1)
        self.assertIn("bogus", err)


class RunDirectory(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=WORK)
        self.data = npy(np.random.default_rng(2).normal(size=(500, 2)), os.path.join(self.dir, "x.npy"))

    def train(self, out, *extra, preexec=None):
        return run(["train", "--data", self.data, "--out", os.path.join(self.dir, out), "--batch", "64", "--width", "256",
                    "--depth", "3", "--checkpoint-every", "10", "--quiet", *extra], preexec=preexec)

    def test_a_full_disk_during_a_checkpoint_keeps_the_previous_one(self):
        self.assertEqual(self.train("run", "--steps", "10")[0], 0)
        ckpt = os.path.join(self.dir, "run", "checkpoint.pt")
        before = read(ckpt)

        def small_disk():  # writes past 100 kB fail with EFBIG, as on a full disk
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

        rc, _, err, _, _ = run(["train", "--resume", "--out", os.path.join(self.dir, "run"), "--steps", "20", "--quiet"],
                               preexec=small_disk)
        self.assertEqual(rc, 1, err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn("checkpoint.pt: cannot write", err)
        self.assertEqual(read(ckpt), before, "the previous checkpoint changed")
        self.assertEqual([f for f in os.listdir(os.path.join(self.dir, "run")) if ".tmp" in f], [])
        rc, _, err, _, _ = run(["train", "--resume", "--out", os.path.join(self.dir, "run"), "--steps", "20", "--quiet"])
        self.assertEqual(rc, 0, err)

    def test_a_corrupt_newest_checkpoint_falls_back_on_the_previous(self):
        self.assertEqual(self.train("run", "--steps", "20")[0], 0)
        run_dir = os.path.join(self.dir, "run")
        self.assertTrue(os.path.exists(os.path.join(run_dir, "checkpoint.prev.pt")))
        raw = bytearray(read(os.path.join(run_dir, "checkpoint.pt")))
        raw[len(raw) // 2] ^= 4
        write(os.path.join(run_dir, "checkpoint.pt"), bytes(raw))
        rc, _, err, _, _ = run(["entropy", "--run", run_dir, *QUICK])  # measuring never falls back silently
        self.assertEqual(rc, 1)
        self.assertIn("checksum", err)
        rc, _, err, _, _ = run(["train", "--resume", "--out", run_dir, "--steps", "30", "--quiet"])
        self.assertEqual(rc, 0, err)
        self.assertIn("checkpoint.prev.pt (step 10)", err)

    def test_resume_never_goes_below_the_steps_done(self):
        self.assertEqual(self.train("run", "--steps", "20")[0], 0)
        config = read(os.path.join(self.dir, "run", "config.json"), "r")
        rc, _, err, _, _ = run(["train", "--resume", "--out", os.path.join(self.dir, "run"), "--steps", "10"])
        self.assertEqual(rc, 1)
        self.assertIn("checkpoint.pt: the run has trained 20 steps, more than the 10 asked for", err)
        self.assertEqual(read(os.path.join(self.dir, "run", "config.json"), "r"), config)
        # Going on is allowed, and said: config.json records the new length.
        rc, _, err, _, _ = run(["train", "--resume", "--out", os.path.join(self.dir, "run"), "--steps", "30"])
        self.assertEqual(rc, 0, err)
        self.assertIn("config.json: steps 20 -> 30", err)

    def test_two_trains_into_one_directory_and_a_resume_into_a_live_run_are_refused(self):
        out = os.path.join(self.dir, "race")
        args = ["train", "--data", self.data, "--out", out, "--steps", "400", "--batch", "64", "--width", "256",
                "--depth", "3", "--checkpoint-every", "100", "--quiet"]
        procs = [subprocess.Popen([BINARY, *args], stderr=subprocess.PIPE, env=ENV) for _ in range(2)]
        errs = [p.communicate()[1].decode() for p in procs]
        codes = sorted(p.returncode for p in procs)
        self.assertEqual(codes, [0, 1], errs)
        loser = [e for p, e in zip(procs, errs) if p.returncode == 1][0]
        self.assertTrue("in use by" in loser or "already holds a run" in loser, loser)
        # The winner's run is whole: it resumes to more steps.
        live = subprocess.Popen([BINARY, "train", "--resume", "--out", out, "--steps", "3000", "--quiet"],
                                stderr=subprocess.DEVNULL, env=ENV)
        time.sleep(1.5)
        rc, _, err, _, _ = run(["train", "--resume", "--out", out, "--steps", "3000", "--quiet"])
        live.kill()
        live.wait()
        self.assertEqual(rc, 1, err)
        self.assertIn("in use by process", err)


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    WORK = tempfile.mkdtemp(prefix="diffinfo-bad-input-")
    try:
        unittest.main(verbosity=2)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
