"""A small fully connected network in vectorized NumPy, trained with SGD, momentum or Adam.

Every hidden layer applies one relucli activation through its value+gradient kernel: the
forward pass keeps f'(z), so the backward pass is a multiply, and the dying lab reads the
same f'(z) to decide which neurons are dead. PReLU learns one negative slope per neuron
(PyTorch's ``nn.PReLU(num_parameters=width)``), its gradient from ``param_grad``.

All parameters live in one flat vector (the layers' W, b and slopes are views into it), so
an optimizer step is a handful of whole-vector operations however many layers there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..activation import Activation
from ..numerics.chunked import KernelArgs, Workspace
from ..registry import SpecError

OPTIMIZERS = ("sgd", "momentum", "adam")
MOMENTUM = 0.9
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


@dataclass
class Forward:
    """What one forward pass keeps for the backward pass and for the neuron census."""

    inputs: list[np.ndarray]  # the input of each layer (x, then each hidden output)
    pre: list[np.ndarray]  # hidden pre-activations z, one (n, width) array per hidden layer
    slopes: list[np.ndarray]  # f'(z) per hidden layer
    out: np.ndarray  # network output (n, outputs)


class Network:
    """An MLP with weights ``(fan_in, fan_out)`` per layer and activation ``act`` between.

    ``layers`` gives the initial (W, b) per layer (copied); ``prelu_slope`` is the initial
    negative slope of every PReLU neuron (used only when ``act`` is prelu).
    """

    def __init__(self, layers: Sequence[tuple[np.ndarray, np.ndarray]], act: Activation):
        self.act = act
        # The record names the parameter a network learns per neuron (PReLU's weight).
        self.learned = act.variant.learnable
        self.learns_slope = bool(self.learned)
        hidden = [w.shape[1] for w, _ in layers[:-1]]
        shapes: list[tuple[int, ...]] = []
        for w, b in layers:
            shapes += [w.shape, b.shape]
        if self.learns_slope:
            shapes += [(h,) for h in hidden]
        sizes = [int(np.prod(s)) for s in shapes]
        self.params = np.empty(sum(sizes))
        self.grads = np.zeros_like(self.params)
        views, grad_views, start = [], [], 0
        for shape, size in zip(shapes, sizes):
            views.append(self.params[start : start + size].reshape(shape))
            grad_views.append(self.grads[start : start + size].reshape(shape))
            start += size
        n = len(layers)
        self.weights, self.biases = views[0 : 2 * n : 2], views[1 : 2 * n : 2]
        self.grad_weights, self.grad_biases = grad_views[0 : 2 * n : 2], grad_views[1 : 2 * n : 2]
        self.prelu_slopes, self.grad_slopes = views[2 * n :], grad_views[2 * n :]
        for (w, b), wv, bv in zip(layers, self.weights, self.biases):
            wv[...] = w
            bv[...] = b
        for s in self.prelu_slopes:
            s[...] = act.params[self.learned]
        self._jax = act.convention == "jax"

    @property
    def hidden_sizes(self) -> list[int]:
        return [w.shape[1] for w in self.weights[:-1]]

    def activate(self, z: np.ndarray, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(f(z), f'(z)) for hidden layer ``layer``, from the variant's kernel."""
        if not self.learns_slope:
            return self.act.value_and_grad(z)
        # The kernel broadcasts an array slope: one learned slope per neuron (column).
        value, grad = np.empty_like(z), np.empty_like(z)
        params = {**self.act.params, self.learned: self.prelu_slopes[layer]}
        args = KernelArgs(params, z.dtype, self._jax)
        self.act.variant.kernel(z, value, grad, args, Workspace(0))
        # Another framework's kink rule, with each neuron's slope (MLX: 1 + a).
        facts = self.act.variant.frameworks.get(self.act.convention)
        if self.act.convention != "torch" and facts is not None and facts.kinks is not None:
            for kink, slope in (facts.kink_map(params) or {}).items():
                np.copyto(grad, np.broadcast_to(slope, z.shape[-1:]), where=z == kink)
        return value, grad

    def forward(self, x: np.ndarray) -> Forward:
        inputs, pre, slopes = [x], [], []
        a = x
        for i, (w, b) in enumerate(zip(self.weights[:-1], self.biases[:-1])):
            z = a @ w
            z += b
            a, fprime = self.activate(z, i)
            inputs.append(a)
            pre.append(z)
            slopes.append(fprime)
        out = a @ self.weights[-1]
        out += self.biases[-1]
        return Forward(inputs, pre, slopes, out)

    def backward(self, fwd: Forward, d_out: np.ndarray) -> None:
        """Fill ``self.grads`` from dLoss/dOutput (already divided by the batch size)."""
        delta = d_out
        for i in range(len(self.weights) - 1, -1, -1):
            np.matmul(fwd.inputs[i].T, delta, out=self.grad_weights[i])
            np.sum(delta, axis=0, out=self.grad_biases[i])
            if i == 0:
                break
            d_act = delta @ self.weights[i].T
            if self.learns_slope:
                np.sum(d_act * self.act.param_grad(fwd.pre[i - 1], self.learned), axis=0,
                       out=self.grad_slopes[i - 1])  # fmt: skip
            delta = d_act
            delta *= fwd.slopes[i - 1]


def loss_and_grad(out: np.ndarray, y: np.ndarray, classes: int) -> tuple[float, np.ndarray]:
    """Mean loss over the batch and its gradient with respect to ``out``.

    Classification: softmax cross-entropy (natural log). Regression: mean squared error.
    """
    n = out.shape[0]
    if classes:
        shifted = out - out.max(axis=1, keepdims=True)  # exp cannot overflow
        log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_p = shifted - log_norm
        rows = np.arange(n)
        loss = -float(log_p[rows, y].mean())
        grad = np.exp(log_p)
        grad[rows, y] -= 1
        grad /= n
        return loss, grad
    diff = out - y
    loss = float(np.mean(diff * diff))
    return loss, diff * (2.0 / diff.size)


def accuracy(out: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(out.argmax(axis=1) == y))


class Optimizer:
    """SGD, SGD with momentum 0.9 or Adam (0.9, 0.999, eps 1e-8), as PyTorch defines them,
    updating the network's flat parameter vector in place."""

    def __init__(self, name: str, params: np.ndarray, lr: float):
        if name not in OPTIMIZERS:
            raise SpecError(f"unknown optimizer '{name}' (valid: {', '.join(OPTIMIZERS)})")
        self.name, self.params, self.lr = name, params, lr
        self.m = np.zeros_like(params) if name != "sgd" else None
        self.v = np.zeros_like(params) if name == "adam" else None
        self.t = 0
        self._scratch = np.empty_like(params)

    def step(self, grads: np.ndarray) -> None:
        self.t += 1
        if self.name == "sgd":
            np.multiply(grads, self.lr, out=self._scratch)
            self.params -= self._scratch
            return
        assert self.m is not None
        if self.name == "momentum":
            # PyTorch: the first step's buffer is the gradient itself (0.9 * 0 + g).
            self.m *= MOMENTUM
            self.m += grads
            np.multiply(self.m, self.lr, out=self._scratch)
            self.params -= self._scratch
            return
        assert self.v is not None
        b1, b2 = ADAM_BETAS
        self.m *= b1
        self.m += (1 - b1) * grads
        self.v *= b2
        np.multiply(grads, grads, out=self._scratch)
        self._scratch *= 1 - b2
        self.v += self._scratch
        bias1 = 1 - b1**self.t
        bias2 = 1 - b2**self.t
        # PyTorch's order: denom = sqrt(v)/sqrt(bias2) + eps; step = lr/bias1 * m/denom.
        np.sqrt(self.v, out=self._scratch)
        self._scratch /= np.sqrt(bias2)
        self._scratch += ADAM_EPS
        np.divide(self.m, self._scratch, out=self._scratch)
        self._scratch *= self.lr / bias1
        self.params -= self._scratch
