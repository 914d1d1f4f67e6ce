"""Calibration metrics of predicted class probabilities, for ``benchmarks/calibration.py``.

Every function takes ``y_index``, the true class of each row as a column index of
``proba`` (0 to ``n_classes - 1``), and ``proba`` of shape (n_samples, n_classes)
with finite rows.
"""

import numpy as np
from sklearn.metrics import log_loss

N_BINS = 15


def reliability_bins(y_index, proba, n_bins=N_BINS):
    """Count rows, summed confidence and correct rows in equal-width confidence bins.

    The confidence of a row is its top-class probability; bin ``b`` holds the rows
    with confidence in ``(b / n_bins, (b + 1) / n_bins]`` (a confidence of 0 goes to
    bin 0). A row is correct when its top class is its true class (ties: the first
    column, as ``argmax`` and ``predict`` break them). Sums, not means, are
    returned so that bins of several seeds can be pooled by adding them.

    Returns
    -------
    counts, confidence_sums, correct : ndarray of shape (n_bins,)
    """
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y_index
    inner_edges = np.linspace(0, 1, n_bins + 1)[1:-1]
    bins = np.searchsorted(inner_edges, confidence, side="left")
    counts = np.bincount(bins, minlength=n_bins)
    confidence_sums = np.bincount(bins, weights=confidence, minlength=n_bins)
    correct_counts = np.bincount(bins, weights=correct, minlength=n_bins)
    return counts, confidence_sums, correct_counts


def expected_calibration_error(counts, confidence_sums, correct):
    """ECE from ``reliability_bins``: ``sum_b n_b / n * |accuracy_b - confidence_b|``.

    Summed over non-empty bins, which is ``sum_b |correct_b - confidence_sum_b| / n``.
    """
    return float(np.abs(correct - confidence_sums).sum() / counts.sum())


def brier_score(y_index, proba):
    """Multiclass Brier score: mean over rows of the squared distance to the one-hot row.

    Ranges from 0 (certain and right) to 2 (certain and wrong); equals
    ``sklearn.metrics.brier_score_loss(y, proba, labels=...)`` on more than two classes.
    """
    one_hot = np.eye(proba.shape[1])[y_index]
    return float(((proba - one_hot) ** 2).sum(axis=1).mean())


def calibration_metrics(y_index, proba):
    """Accuracy of the top class, ECE, log loss, Brier score and share above 0.99.

    ``proba`` is taken in float64, so ``log_loss`` clips every model's
    probabilities to the same ``[eps, 1 - eps]`` (eps = 2.2e-16, at most 36 per row),
    and its rows are divided by their sums: float32 rows sum to 1 only to about 1e-7,
    which ``log_loss`` would warn about in float64.
    """
    proba = np.asarray(proba, dtype=np.float64)
    proba = proba / proba.sum(axis=1, keepdims=True)
    bins = reliability_bins(y_index, proba)
    return {
        "top_class_accuracy": float(np.mean(proba.argmax(axis=1) == y_index)),
        "ece": expected_calibration_error(*bins),
        "log_loss": float(log_loss(y_index, proba, labels=np.arange(proba.shape[1]))),
        "brier": brier_score(y_index, proba),
        "share_above_0.99": float(np.mean(proba.max(axis=1) > 0.99)),
        "bins": {
            "counts": bins[0].tolist(),
            "confidence_sums": bins[1].tolist(),
            "correct": bins[2].tolist(),
        },
    }
