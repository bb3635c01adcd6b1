"""Regenerate docs/examples/digits.npz: the hidden-layer pre-activations of a real network
whose ReLU units a too-high learning rate killed, for the README's `relucli inspect`.

scikit-learn's MLPClassifier (two hidden ReLU layers of 64 and 32) is trained on
scikit-learn's bundled handwritten digits (1797 8x8 images, no download) with Adam at a
learning rate of 0.1, a hundred times scikit-learn's default; the pre-activations z of
every hidden layer over the whole training set are computed from ``coefs_`` and
``intercepts_`` and saved as float32, one array per layer. tests/test_inspect.py trains the
same network and checks the census against a direct NumPy count.

    python scripts/make_digits_example.py            # needs scikit-learn
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "examples" / "digits.npz"
HIDDEN = (64, 32)
LEARNING_RATE = 0.1  # scikit-learn's default is 0.001
EPOCHS = 50
SEED = 0


def digits_network(lr: float = LEARNING_RATE):
    """(inputs scaled to [0, 1], labels, the trained MLPClassifier)."""
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    net = MLPClassifier(
        hidden_layer_sizes=HIDDEN, learning_rate_init=lr, max_iter=EPOCHS, random_state=SEED
    )
    with warnings.catch_warnings():
        # 50 epochs are a choice, not a failure to converge.
        warnings.simplefilter("ignore", ConvergenceWarning)
        net.fit(x, y)
    return x, y, net


def preactivations(net, x: np.ndarray) -> dict[str, np.ndarray]:
    """{"hidden1": z1, "hidden2": z2}: each hidden layer's z = a @ W + b, a the previous
    layer's ReLU output (the same code as the README's scikit-learn snippet)."""
    layers, a = {}, x
    for i, (w, b) in enumerate(zip(net.coefs_[:-1], net.intercepts_[:-1]), 1):
        z = a @ w + b
        layers[f"hidden{i}"] = z
        a = np.maximum(z, 0)
    return layers


def main() -> int:
    x, y, net = digits_network()
    layers = {k: v.astype(np.float32) for k, v in preactivations(net, x).items()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **layers)
    print(f"wrote {OUT.relative_to(ROOT)} (training accuracy {net.score(x, y):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
