"""Adam with decoupled weight decay (as torch's AdamW) over NumPy arrays, for the torch-free trainers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class Adam:
    """Updates a dict of arrays in place; ``decayed(name)`` says which of them get weight decay."""

    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float,
        weight_decay: float,
        decayed: Callable[[str], bool] = lambda name: True,
    ) -> None:
        self.params, self.lr, self.weight_decay, self.decayed = params, lr, weight_decay, decayed
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, grads: dict[str, np.ndarray], beta1: float = 0.9, beta2: float = 0.999) -> None:
        self.t += 1
        for k, g in grads.items():
            self.m[k] = beta1 * self.m[k] + (1 - beta1) * g
            self.v[k] = beta2 * self.v[k] + (1 - beta2) * g * g
            m_hat = self.m[k] / (1 - beta1**self.t)
            v_hat = self.v[k] / (1 - beta2**self.t)
            decay = self.weight_decay * self.params[k] if self.decayed(k) else 0.0
            self.params[k] -= self.lr * (m_hat / (np.sqrt(v_hat) + 1e-8) + decay)
