"""Confidence that fades with the distance from the labeled rows.

A network trained on a few labeled rows extrapolates: a row far from every
labeled row can get as confident a prediction as one next to them, so the
predictive entropy ranks wrong predictions poorly. After a fit on narrow
tabular data, ``predict_proba`` multiplies each row's class logits by

    kappa(x) = scale / sqrt(1 + VARIANCE_WEIGHT * v(x)),

where ``v(x)`` is the posterior variance of a Gaussian process with an RBF
kernel on the discriminator's last hidden layer, conditioned on the labeled
rows (0 at a labeled row, 1 far from all of them). A positive factor per row
keeps every prediction; ``scale`` keeps the training rows' mean confidence
(the largest class probability) where it was without the factor, so the
temperature's calibration holds on average. The constants were chosen on the
validation suite's cells with 5 labels per class (benchmarks/suite.py).
"""

import math

import numpy as np
import torch

# Kernel length scale: this fraction of the median distance between labeled rows'
# features; the kernel's noise variance; the weight of the variance in kappa.
LENGTH_SCALE_FACTOR = 0.5
KERNEL_NOISE = 0.1
VARIANCE_WEIGHT = 30.0
# At most this many labeled rows (drawn at random beyond it) enter the kernel, and
# at most SCALE_SAMPLE training rows set the scale: the kernel's cost at prediction
# grows with the rows it keeps, and with many labels the network's own confidence
# is already informed by them.
MAX_LABELED_ROWS = 1_000
SCALE_SAMPLE = 5_000


def _softmax_confidence(logits):
    """Mean over rows of the largest softmax probability of float64 ``logits``."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    proba = np.exp(shifted)
    return float((1.0 / proba.sum(axis=1)).mean())


def kernel_rows(labeled_rows, n_rows, seed):
    """The labeled rows the kernel keeps and the training rows that set its scale."""
    rng = np.random.default_rng(seed)
    if len(labeled_rows) > MAX_LABELED_ROWS:
        labeled_rows = np.sort(rng.choice(labeled_rows, MAX_LABELED_ROWS, replace=False))
    sample = np.arange(n_rows)
    if n_rows > SCALE_SAMPLE:
        sample = np.sort(rng.choice(n_rows, SCALE_SAMPLE, replace=False))
    return labeled_rows, sample


def fit_kernel(anchors, features, logits, temperature):
    """The kernel state of a fit, or None where the labeled rows give no distance.

    ``anchors`` are the labeled rows' last hidden layer; ``features`` and
    ``logits`` that layer and the class logits of training rows (all float64
    arrays, from the network that predicts), on which the scale is set.
    """
    squared = _squared_distances(anchors, anchors)
    pairs = squared[np.triu_indices(len(anchors), 1)]
    median = math.sqrt(float(np.median(pairs))) if len(pairs) else 0.0
    if not median > 0:
        return None
    length_scale = LENGTH_SCALE_FACTOR * median
    kernel = np.exp(-squared / (2 * length_scale**2))
    solve = np.linalg.inv(kernel + KERNEL_NOISE * np.eye(len(anchors)))
    state = {
        "anchors": anchors,
        "solve": (solve + solve.T) / 2,
        "length_scale": length_scale,
        "scale": 1.0,
    }
    plain = logits / temperature
    factor = kappa(features, state)[:, None]
    state["scale"] = _matching_scale(plain, factor, _softmax_confidence(plain))
    return state


def _matching_scale(plain, factor, target):
    """The scale s with the mean confidence of ``s * factor * plain`` at ``target``."""
    low, high = 1e-3, 1e3
    for _ in range(60):  # bisection on a log scale; confidence grows with s
        middle = math.sqrt(low * high)
        if _softmax_confidence(middle * factor * plain) > target:
            high = middle
        else:
            low = middle
    return math.sqrt(low * high)


def _squared_distances(a, b):
    squared = (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :] - 2 * a @ b.T
    return np.maximum(squared, 0.0)


def kappa(features, state):
    """The factor on the class logits of rows with last-hidden ``features`` (float64)."""
    similarity = np.exp(
        -_squared_distances(features, state["anchors"]) / (2 * state["length_scale"] ** 2)
    )
    variance = 1.0 - np.einsum("ij,ij->i", similarity @ state["solve"], similarity)
    variance = np.clip(variance, 0.0, 1.0)
    return state["scale"] / np.sqrt(1.0 + VARIANCE_WEIGHT * variance)


def to_tensors(state):
    """``state`` as tensors and floats a model file can hold (None: empty)."""
    if state is None:
        return {}
    return {
        "anchors": torch.from_numpy(state["anchors"]),
        "solve": torch.from_numpy(state["solve"]),
        "length_scale": torch.tensor(state["length_scale"], dtype=torch.float64),
        "scale": torch.tensor(state["scale"], dtype=torch.float64),
    }


def from_tensors(tensors):
    """The state :func:`to_tensors` stored (None for an empty one)."""
    if not tensors:
        return None
    return {
        "anchors": tensors["anchors"].numpy(),
        "solve": tensors["solve"].numpy(),
        "length_scale": float(tensors["length_scale"]),
        "scale": float(tensors["scale"]),
    }
