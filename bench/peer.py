#!/usr/bin/env python3
"""The PyTorch peer of diffinfo's training and S_NN measurement, for bench/peer.sh only.

The same job as `diffinfo train` followed by `diffinfo entropy`, written as a PyTorch user
would write it (eager mode, Debian's python3-torch): the VP process (beta 0.1 -> 20), times
drawn from the importance law p(s) ~ sigma^2(s)/Sigma(s) on diffinfo's grid, the likelihood
weighting, the entropy-matching output (score = -x + e_theta; "Neural Entropy",
arXiv 2409.03817) behind the same preconditioning, Adam with a linear warm-up and a
cosine decay, a warm-started EMA of 0.999, a checkpoint every 1000 steps; then
S_NN = int sigma^2/2 E||e_theta||^2 ds by 100 strata x 2048 draws on the EMA weights.
It prints one JSON line: steps/s of the training loop and points/s of the measurement, each
timed inside the process (start-up, data loading and model building excluded, as for diffinfo).
Never needed by the tool or its tests.
"""
import argparse
import json
import math
import os
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BETA_MIN, BETA_MAX, S_MIN, FOURIER = 0.1, 20.0, 1e-5, 16


def beta_int(s):
    return BETA_MIN * s + 0.5 * (BETA_MAX - BETA_MIN) * s * s


def kernel_var(s):
    return -torch.expm1(-beta_int(s))


class ImportanceTimes:
    """p(s) ~ beta(s)/Sigma(s), piecewise uniform on a grid geometric towards both ends."""

    def __init__(self, cells=4096):
        half, mid, tail = cells // 2, 0.5, 1e-6
        lo = [S_MIN * (mid / S_MIN) ** (i / half) for i in range(half)]
        hi = [1 - (1 - mid) * (tail / (1 - mid)) ** (j / (cells - half)) for j in range(cells - half)]
        e = torch.tensor(lo + hi + [1.0], dtype=torch.float64)
        d = (BETA_MIN + (BETA_MAX - BETA_MIN) * e) / kernel_var(e)
        cdf = torch.cat([torch.zeros(1, dtype=torch.float64), torch.cumsum(0.5 * (d[1:] + d[:-1]) * (e[1:] - e[:-1]), 0)])
        self.edges, self.cdf = e, cdf / cdf[-1]

    def map(self, u):
        j = (torch.searchsorted(self.cdf, u, right=True) - 1).clamp(0, len(self.edges) - 2)
        mass, width = self.cdf[j + 1] - self.cdf[j], self.edges[j + 1] - self.edges[j]
        return self.edges[j] + (u - self.cdf[j]) / mass * width, mass / width


class Mlp(nn.Module):
    def __init__(self, dim, width, depth):
        super().__init__()
        self.register_buffer("freqs", 64.0 ** (torch.arange(FOURIER) / (FOURIER - 1)))
        sizes = [dim + 2 * FOURIER + 1] + [width] * depth
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.out = nn.Linear(width, dim)
        nn.init.zeros_(self.out.weight), nn.init.zeros_(self.out.bias)

    def forward(self, x, tau):
        a = tau * self.freqs
        h = torch.cat([x, tau, torch.sin(a), torch.cos(a)], 1)
        for layer in self.layers:
            h = F.silu(layer(h))
        return self.out(h)


def groups(c):
    return math.gcd(c, min(32, max(1, c // 4)))


class Block(nn.Module):
    def __init__(self, cin, cout, emb, attend):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups(cin), cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, cout)
        self.norm2, self.conv2 = nn.GroupNorm(groups(cout), cout), nn.Conv2d(cout, cout, 3, padding=1)
        nn.init.zeros_(self.conv2.weight), nn.init.zeros_(self.conv2.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None
        self.attend = attend
        if attend:
            self.attn_norm, self.qkv = nn.GroupNorm(groups(cout), cout), nn.Conv2d(cout, 3 * cout, 1)
            self.proj = nn.Conv2d(cout, cout, 1)
            nn.init.zeros_(self.proj.weight), nn.init.zeros_(self.proj.bias)

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x))) + self.emb(emb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h))) + (self.skip(x) if self.skip is not None else x)
        if not self.attend:
            return h
        b, c, hh, ww = h.shape
        q, k, v = self.qkv(self.attn_norm(h)).reshape(b, 3, c, hh * ww).unbind(1)
        w = torch.softmax(torch.bmm(q.transpose(1, 2), k) / math.sqrt(c), -1)
        return h + self.proj(torch.bmm(v, w.transpose(1, 2)).reshape(b, c, hh, ww))


class UNet(nn.Module):
    """diffinfo's U-Net (DDPM's layout) at the `tiny` and `small` presets."""

    def __init__(self, shape, width, depth, mults, attention):
        super().__init__()
        self.shape, emb = shape, 4 * width
        self.register_buffer("freqs", 64.0 ** (torch.arange(FOURIER) / (FOURIER - 1)))
        self.time = nn.Sequential(nn.Linear(2 * FOURIER + 1, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.conv_in = nn.Conv2d(shape[0], width, 3, padding=1)
        self.down, self.downsample, skips, attend = nn.ModuleList(), nn.ModuleList(), [width], []
        ch, side = width, max(shape[1], shape[2])
        for level, m in enumerate(mults):
            attend.append(side <= attention)
            blocks = nn.ModuleList()
            for _ in range(depth):
                blocks.append(Block(ch, width * m, emb, attend[-1]))
                ch = width * m
                skips.append(ch)
            self.down.append(blocks)
            if level + 1 < len(mults):
                self.downsample.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
                skips.append(ch)
                side = (side + 1) // 2
        self.middle = nn.ModuleList([Block(ch, ch, emb, True), Block(ch, ch, emb, False)])
        self.up, self.upsample = nn.ModuleList(), nn.ModuleList()
        for level in reversed(range(len(mults))):
            blocks = nn.ModuleList()
            for _ in range(depth + 1):
                blocks.append(Block(ch + skips.pop(), width * mults[level], emb, attend[level]))
                ch = width * mults[level]
            self.up.append(blocks)
            if level > 0:
                self.upsample.append(nn.Conv2d(ch, ch, 3, padding=1))
        self.out_norm, self.conv_out = nn.GroupNorm(groups(ch), ch), nn.Conv2d(ch, shape[0], 3, padding=1)
        nn.init.zeros_(self.conv_out.weight), nn.init.zeros_(self.conv_out.bias)

    def forward(self, x, tau):
        b = x.shape[0]
        a = tau * self.freqs
        emb = F.silu(self.time(torch.cat([tau, torch.sin(a), torch.cos(a)], 1)))
        h = self.conv_in(x.reshape(b, *self.shape))
        skips = [h]
        for level, blocks in enumerate(self.down):
            for block in blocks:
                h = block(h, emb)
                skips.append(h)
            if level < len(self.downsample):
                h = self.downsample[level](h)
                skips.append(h)
        for block in self.middle:
            h = block(h, emb)
        for k, blocks in enumerate(self.up):
            for block in blocks:
                h = block(torch.cat([h, skips.pop()], 1), emb)
            if k < len(self.upsample):
                h = self.upsample[k](F.interpolate(h, size=skips[-1].shape[2:], mode="nearest"))
        return self.conv_out(F.silu(self.out_norm(h))).reshape(b, -1)


def residual(net, x, s, data_var):
    """e_theta(x, s) in score units behind diffinfo's preconditioning (unit-scale input, tau = log SNR / 8)."""
    mu2, var = torch.exp(-beta_int(s)), kernel_var(s)
    scale = torch.rsqrt(mu2 * data_var + var)
    return scale * net(x * scale, torch.log(mu2 * data_var / var) / 8.0)


def table(results, sgemm_file):
    """The Markdown table of bench/peer.sh: medians over the repeats of each case, and their ratios."""
    import statistics
    rows = [json.loads(line) for line in open(results)]
    sgemm = json.load(open(sgemm_file))["sgemm_gflops"]
    med = statistics.median
    print(f"sgemm (512^3, float32, OpenBLAS through PyTorch): {sgemm:.0f} GFLOP/s\n")
    print("| case | diffinfo steps/s | PyTorch steps/s | ratio | diffinfo share of sgemm "
          "| diffinfo points/s | PyTorch points/s | ratio | S_NN diffinfo / PyTorch |")
    print("|---|---|---|---|---|---|---|---|---|")
    for case in dict.fromkeys(r["case"] for r in rows):
        rs = [r for r in rows if r["case"] == case]
        ours = med(r["steps"] / r["diffinfo_train_seconds"] for r in rs)
        theirs = med(r["peer"]["steps_per_s"] for r in rs)
        ratio = med(r["steps"] / r["diffinfo_train_seconds"] / r["peer"]["steps_per_s"] for r in rs)
        share = "—"
        if case.startswith("mlp") and not case.endswith("-bf16"):  # 6 flops per multiply-add of a training step
            d, w = (int(v) for v in case[5:].split("-w"))
            macs = (d + 2 * FOURIER + 1) * w + 2 * w * w + w * d
            share = f"{100 * 6 * 512 * macs * ours * 1e-9 / sgemm:.0f} %"
        if case.startswith("unet"):
            rate = f"{ours:.2f} ({64 * ours:.0f} images/s) | {theirs:.2f} ({64 * theirs:.0f})"
        else:
            rate = f"{ours:.0f} | {theirs:.0f}"
        meas = "— | — | — | —"
        if rs[0]["diffinfo_points_per_s"] is not None:
            pu, pt = med(r["diffinfo_points_per_s"] for r in rs), med(r["peer"]["points_per_s"] for r in rs)
            pr = med(r["diffinfo_points_per_s"] / r["peer"]["points_per_s"] for r in rs)
            snn = f"{med(r['diffinfo_neural_entropy'] for r in rs):.3f} / {med(r['peer']['neural_entropy'] for r in rs):.3f}"
            meas = f"{pu / 1e3:.0f} k | {pt / 1e3:.0f} k | {pr:.2f}× | {snn}"
        print(f"| {case} | {rate} | {ratio:.2f}× | {share} | {meas} |")
    threads = sorted({r["peer"]["threads"] for r in rows})
    print(f"\nmedians of {len(rows) // len(set(r['case'] for r in rows))} repeats; the peer ran with "
          f"{'/'.join(map(str, threads))} LibTorch thread(s); per-run lines in {results}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True)
    p.add_argument("--arch", default="mlp", choices=["mlp", "unet"])
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--preset", default="tiny", choices=["tiny", "small"])
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--batch", type=int, default=512)
    p.add_argument("--points", type=int, default=100)
    p.add_argument("--samples", type=int, default=2048)
    p.add_argument("--measure-batch", type=int, default=8192)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--precision", default="float32", choices=["float32", "bfloat16"],
                   help="bfloat16: the forward passes of training under torch.autocast, as diffinfo's --precision")
    p.add_argument("--sgemm", action="store_true", help="print this machine's sgemm rate (512^3, float32) and exit")
    p.add_argument("--table", metavar="RESULTS", help="print bench/peer.sh's table of RESULTS (JSON lines; --data: the sgemm JSON)")
    a = p.parse_args()
    if a.table:
        return table(a.table, a.data)
    if a.sgemm:
        m = torch.randn(512, 512)
        for _ in range(5):
            m @ m
        t0, reps = time.perf_counter(), 200
        for _ in range(reps):
            m @ m
        print(json.dumps({"sgemm_gflops": 2 * 512 ** 3 * reps / (time.perf_counter() - t0) * 1e-9}))
        return
    torch.manual_seed(a.seed)
    raw = np.load(a.data)
    x_all = torch.from_numpy(raw).float().reshape(len(raw), -1)
    n, dim = x_all.shape
    data_var = x_all.var(0).mean().item()
    if a.arch == "mlp":
        net = Mlp(dim, a.width, a.depth)
    else:
        width, mults, attention = (16, (1, 2), 0) if a.preset == "tiny" else (32, (1, 2, 2), 8)
        side = int(round(math.sqrt(dim)))
        net = UNet((1, side, side), width, 1, mults, attention)
    ema = [q.detach().clone() for q in net.parameters()]
    params = list(net.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    times = ImportanceTimes()
    ckpt = os.path.join(tempfile.mkdtemp(prefix="peer-"), "checkpoint.pt")

    def lr_at(step, lr=1e-3, warmup=200, final=0.05):
        if step <= warmup:
            return lr * step / warmup
        progress = min(1.0, (step - warmup) / max(a.steps - warmup, 1))
        return lr * (final + (1 - final) * 0.5 * (1 + math.cos(math.pi * progress)))

    t0 = time.perf_counter()
    loss_sum = torch.zeros(())
    for step in range(1, a.steps + 1):
        x0 = x_all[torch.randint(n, (a.batch,))]
        s, pdf = times.map(torch.rand(a.batch, dtype=torch.float64))
        w = (0.5 * (BETA_MIN + (BETA_MAX - BETA_MIN) * s) / (pdf * kernel_var(s))).float()
        s = s.float()[:, None]
        eps = torch.randn_like(x0)
        mu, var = torch.exp(-0.5 * beta_int(s)), kernel_var(s)
        x_s = mu * x0 + var.sqrt() * eps
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bfloat16"):
            out = var.sqrt() * (-x_s + residual(net, x_s, s, data_var))  # sqrt(Sigma) * score
        loss = (w * (out + eps).pow(2).sum(1)).mean()
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            d = min(0.999, (1 + step) / (10 + step))
            torch._foreach_mul_(ema, d)
            torch._foreach_add_(ema, [q.detach() for q in params], alpha=1 - d)
            loss_sum += loss.detach()
        if step % 100 == 0 and not math.isfinite(loss_sum.item()):
            raise SystemExit(f"diverged at step {step}")
        if step % 1000 == 0 or step == a.steps:
            torch.save({"step": step, "net": net.state_dict(), "ema": ema, "opt": opt.state_dict()}, ckpt)
    train_s = time.perf_counter() - t0

    result = {"steps": a.steps, "train_seconds": train_s, "steps_per_s": a.steps / train_s,
              "threads": torch.get_num_threads(), "torch": torch.__version__}
    if a.points == 0:
        print(json.dumps(result))
        return
    # S_NN on the EMA weights: stratum j holds u in [j/K, (j+1)/K), weight sigma^2 / (2 p(s)).
    with torch.no_grad():
        for q, e in zip(params, ema):
            q.copy_(e)
        net.eval()
        t1 = time.perf_counter()
        k, m = a.points, a.points * a.samples
        u = (torch.arange(k, dtype=torch.float64).repeat_interleave(a.samples) + torch.rand(m, dtype=torch.float64)) / k
        s, pdf = times.map(u)
        weight = 0.5 * (BETA_MIN + (BETA_MAX - BETA_MIN) * s) / pdf
        idx, eps = torch.randint(n, (m,)), torch.randn(m, dim)
        values = torch.empty(m, dtype=torch.float64)
        for start in range(0, m, a.measure_batch):
            sl = slice(start, min(m, start + a.measure_batch))
            st = s[sl].float()[:, None]
            x_s = torch.exp(-0.5 * beta_int(st)) * x_all[idx[sl]] + kernel_var(st).sqrt() * eps[sl]
            values[sl] = residual(net, x_s, st, data_var).pow(2).sum(1).double()
        f = (values * weight).reshape(k, a.samples)
        s_nn, stderr = f.mean(1).sum().item() / k, math.sqrt(f.var(1).sum().item() / a.samples) / k
        measure_s = time.perf_counter() - t1
    result.update({"points": m, "measure_seconds": measure_s, "points_per_s": m / measure_s,
                   "neural_entropy": s_nn, "stderr": stderr})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
