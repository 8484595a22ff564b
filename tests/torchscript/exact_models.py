"""TorchScript models of the exact score of known laws, written by real PyTorch, as a user's would be.

Each module is forward(x, t) (or forward(x, t, y) for a mixture's class-conditional score) and returns
what its prediction type names (epsilon, sample, v_prediction, score, entropy; docs/math.md §11),
computed in float64 from the law's closed form under the process its time input implies:
  s      VP with beta_min, beta_max   (t = s)
  sigma  VE                           (t = sqrt(Sigma))
  index  a DDPM schedule of N steps   (t = s*N - 1, log alpha-bar linear between integers)
"""
import math

import torch


class Schedule(torch.nn.Module):
    """mu(t), Sigma(t) of the process a time input implies, [B] -> [B, 1] each."""

    def __init__(self, time_input: str, beta_min: float = 0.1, beta_max: float = 20.0, betas=None):
        super().__init__()
        self.time_input = time_input
        self.beta_min = beta_min
        self.beta_max = beta_max
        if betas is None:
            betas = torch.zeros(1, dtype=torch.float64)
        self.register_buffer("table", torch.cat([torch.zeros(1, dtype=torch.float64), torch.log1p(-betas).cumsum(0)]))
        self.n = int(betas.numel())

    def forward(self, t):
        t = t.to(torch.float64).unsqueeze(1)
        if self.time_input == "s":
            bi = self.beta_min * t + 0.5 * (self.beta_max - self.beta_min) * t * t
            return torch.exp(-0.5 * bi), -torch.expm1(-bi)
        if self.time_input == "sigma":  # VE: mu = 1, Sigma = t^2
            return torch.ones_like(t), t * t
        u = t + 1.0  # index: the timestep t = s N - 1, u = s N in [0, N]
        k = u.floor().clamp(0, self.n - 1).long()
        lo = self.table[k]
        hi = self.table[k + 1]
        log_ab = lo + (u - k.to(torch.float64)) * (hi - lo)
        return torch.exp(0.5 * log_ab), -torch.expm1(log_ab)


def convert(prediction: str, score, x, mu, var, eq_var: float):
    """The exact score as the model's prediction type says (diffusers' conventions)."""
    if prediction == "score":
        return score
    if prediction == "entropy":
        return score + x / eq_var if eq_var > 0 else score
    eps = -var.sqrt() * score
    x0 = (x + var * score) / mu
    if prediction == "epsilon":
        return eps
    if prediction == "sample":
        return x0
    return mu * eps - var.sqrt() * x0  # v_prediction


class GaussianScore(torch.nn.Module):
    """N(m, C): the score at (x_s, s) is -(mu^2 C + Sigma I)^-1 (x - mu m)."""

    def __init__(self, mean, cov, schedule: Schedule, prediction: str, eq_var: float):
        super().__init__()
        lam, u = torch.linalg.eigh(cov)
        self.register_buffer("mean", mean)
        self.register_buffer("lam", lam)
        self.register_buffer("u", u)
        self.schedule = schedule
        self.prediction = prediction
        self.eq_var = eq_var

    def forward(self, x, t):
        x64 = x.to(torch.float64)
        mu, var = self.schedule(t)
        z = (x64 - mu * self.mean) @ self.u
        score = -(z / (mu * mu * self.lam + var)) @ self.u.T
        return convert(self.prediction, score, x64, mu, var, self.eq_var).to(x.dtype)


class MixtureScore(torch.nn.Module):
    """sum_k w_k N(m_k, C_k): forward(x, t, y) is component y's score, y = K (the null label) the mixture's."""

    def __init__(self, weights, means, covs, schedule: Schedule, prediction: str, eq_var: float):
        super().__init__()
        lam, u = torch.linalg.eigh(covs)
        self.register_buffer("log_w", weights.log())
        self.register_buffer("means", means)
        self.register_buffer("lam", lam)
        self.register_buffer("u", u)
        self.k = int(weights.numel())
        self.schedule = schedule
        self.prediction = prediction
        self.eq_var = eq_var

    def forward(self, x, t, y):
        x64 = x.to(torch.float64)
        mu, var = self.schedule(t)
        scores = []
        logp = []
        for c in range(self.k):
            d = mu * mu * self.lam[c] + var
            z = (x64 - mu * self.means[c]) @ self.u[c]
            scores.append(-(z / d) @ self.u[c].T)
            logp.append(-0.5 * (z * z / d).sum(1) - 0.5 * d.log().sum(1) + self.log_w[c])
        s = torch.stack(scores)  # [K, B, D]
        r = torch.softmax(torch.stack(logp), 0).unsqueeze(2)
        mix = (r * s).sum(0)
        rows = torch.arange(x.shape[0])
        own = s[y.clamp(0, self.k - 1), rows]
        score = torch.where((y == self.k).unsqueeze(1), mix, own)
        return convert(self.prediction, score, x64, mu, var, self.eq_var).to(x.dtype)


class Unconditional(torch.nn.Module):
    """forward(x, t) of a conditional model at its null label: p(x) as a model of its own."""

    def __init__(self, conditional: torch.nn.Module, null_label: int):
        super().__init__()
        self.conditional = conditional
        self.null_label = null_label

    def forward(self, x, t):
        y = torch.full([x.shape[0]], self.null_label, dtype=torch.int64)
        return self.conditional(x, t, y)


def ddpm_linear_betas(n: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02):
    return torch.linspace(beta_start, beta_end, n, dtype=torch.float64)


def save(module: torch.nn.Module, path: str):
    torch.jit.save(torch.jit.script(module), path)


def gaussian_entropy(cov) -> float:
    d = cov.shape[0]
    return 0.5 * (d * math.log(2 * math.pi * math.e) + torch.logdet(cov).item())
