"""How the confidence of rows far from the labeled rows was chosen: the variants measured.

On the validation suite's cells with 5 labels per class drawn per class (``suite.py``'s
data, label draws and seeds), the defaults are fitted once per cell and seed; their
last hidden layer and class logits on every row are then rescaled per row in each of
the variants below, which keep every prediction, and scored on the unlabeled rows with
the suite's metrics (accuracy, ECE, ROC AUC of the entropy against the wrong
predictions):

- ``none``: the defaults' probabilities without the factor (softmax(logits / T));
- ``linear tau=t lam=l``: a Bayesian linear model on the features, the posterior
  variance ``v = f' (t s I / d + F_L' F_L)^-1 f`` (``F_L`` the labeled rows' features,
  ``s`` their mean squared norm, ``d`` the width), divided by its median over the
  rows given without a label, and the factor ``1 / sqrt(1 + l v)``;
- ``laplace tau=t lam=l``: the same with each labeled row weighted by its curvature
  ``sum_k p_k (1 - p_k)`` (a last-layer Laplace approximation);
- ``rbf ls=a noise=b lam=l``: the posterior variance ``v`` of a Gaussian process with
  an RBF kernel of length scale ``a`` times the median distance between labeled rows'
  features and noise variance ``b``, and the factor ``1 / sqrt(1 + l v)``; this is the
  form ``SGANClassifier`` uses (``sgan_sklearn/_confidence.py``).

The labeled rows here are those the network trained on as labeled (the given labels
and, where group labels fired, the rows they labeled). Every factor is then scaled so
that the mean confidence (largest probability) over all training rows is what it was
without it. Run from the repository root::

    python -m benchmarks.confidence_grid
    python -m benchmarks.confidence_grid --report

Rows go to ``benchmarks/results/confidence_grid.jsonl`` as they come (a rerun skips
the fits already recorded). ``--report`` prints, per variant, the mean entropy AUROC
and ECE per data set and the number of cells where the AUROC is at least
LabelSpreading's (``label_spreading_knn`` rows of ``suite.jsonl``).
"""

import argparse
import collections
import copy
import json
import math

import numpy as np
import torch
from sklearn.metrics.pairwise import euclidean_distances

from benchmarks import suite
from sgan_sklearn._confidence import MAX_LABELED_ROWS, SCALE_SAMPLE
from sgan_sklearn._labels import encode_labels

OUT = suite.OUT.with_name("confidence_grid.jsonl")
DATASETS = ("iris", "wine", "breast_cancer", "digits", "digits340", "moons", "circles")
DATASETS += ("adult", "spambase", "pendigits")
LAMBDAS = (1, 3, 10, 30, 100)


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _variances(features, logits, labeled, unlabeled):
    """Each variant family's variance of every row, by name (``labeled``: the anchors;
    the linear ones are divided by their median over the ``unlabeled`` rows)."""
    anchors = features[labeled]
    n, width = anchors.shape
    mean_square = np.mean((anchors**2).sum(axis=1))
    curvature = (_softmax(logits[labeled]) * (1 - _softmax(logits[labeled]))).sum(axis=1)
    found = {}
    for tau in (0.01, 0.1, 1.0):
        prior = tau * mean_square * np.eye(width) / width
        for name, weights in (("linear", np.ones(n)), ("laplace", curvature)):
            covariance = np.linalg.inv(prior + (anchors * weights[:, None]).T @ anchors)
            variance = np.einsum("ij,jk,ik->i", features, covariance, features)
            found[f"{name} tau={tau}"] = variance / np.median(variance[unlabeled])
    distances = euclidean_distances(anchors, anchors)
    median = np.median(distances[np.triu_indices(n, 1)])
    to_anchors = euclidean_distances(features, anchors)
    for factor in (0.25, 0.35, 0.5, 1.0):
        scale = factor * median
        kernel = np.exp(-(distances**2) / (2 * scale**2))
        similarity = np.exp(-(to_anchors**2) / (2 * scale**2))
        for noise in (0.01, 0.1, 1.0):
            solved = np.linalg.solve(kernel + noise * np.eye(n), similarity.T)
            variance = 1 - np.einsum("ij,ji->i", similarity, solved)
            found[f"rbf ls={factor} noise={noise}"] = np.clip(variance, 0, 1)
    return found


def _matched(plain, factor):
    """``factor`` scaled so that the mean confidence of ``factor * plain`` is plain's."""
    target = _softmax(plain).max(axis=1).mean()
    low, high = 1e-3, 1e3
    for _ in range(60):
        middle = math.sqrt(low * high)
        if _softmax(middle * factor[:, None] * plain).max(axis=1).mean() > target:
            high = middle
        else:
            low = middle
    return math.sqrt(low * high) * factor


def run(datasets, seeds, data_dir):
    from sgan_sklearn import SGANClassifier

    for data, seed in suite.pending_fits(datasets, seeds, OUT):
        X, y, y_partial = suite.cell_data(data, 5, "per_class", seed, data_dir)
        model = SGANClassifier(random_state=seed, n_threads=1).fit(X, y_partial)
        kept = model.predict_proba(X)
        X_scaled = model._validated_scaled(X)
        network = copy.deepcopy(model.discriminator_).double().eval()
        with torch.no_grad():
            logits, features = network(
                torch.as_tensor(np.asarray(X_scaled)).double(), return_features=True
            )
        logits, features = logits.numpy(), features.numpy()
        plain = logits / model.temperature_
        labeled = y_partial != -1
        # The rows the network trained on as labeled: the given labels and the
        # rows group labels labeled (on the suite, circles and moons).
        _, given, codes = encode_labels(y_partial)
        trained = np.zeros(len(y), dtype=bool)
        trained[model._labels_from_groups(X_scaled, given, codes)[0]] = True
        as_fitted = len(y) <= SCALE_SAMPLE and trained.sum() <= MAX_LABELED_ROWS
        truth = np.searchsorted(model.classes_, y)[~labeled]
        rows = [{"variant": "none", **suite.scores_of(_softmax(plain)[~labeled], truth)}]
        for name, variance in _variances(features, logits, trained, ~labeled).items():
            for lam in LAMBDAS:
                factor = _matched(plain, 1 / np.sqrt(1 + lam * variance))
                proba = _softmax(factor[:, None] * plain)[~labeled]
                rows.append({"variant": f"{name} lam={lam}", **suite.scores_of(proba, truth)})
                if name == "rbf ls=0.5 noise=0.1" and lam == 30 and as_fitted:
                    # The estimator's own form: the same probabilities.
                    np.testing.assert_allclose(proba, kept[~labeled], atol=1e-5)
        with open(OUT, "a") as file:
            for row in rows:
                file.write(json.dumps({"data": data, "seed": seed, **row}) + "\n")
        print(f"{data} seed {seed}: {len(rows)} variants", flush=True)


def report(datasets):
    reference = collections.defaultdict(list)
    for r in map(json.loads, suite.OUT.read_text().splitlines()):
        cell = (r["level"], r["draw"], r["model"]) == (5, "per_class", "label_spreading_knn")
        if cell and r["entropy_auc"] is not None:
            reference[r["data"]].append(r["entropy_auc"])
    scores = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in map(json.loads, OUT.read_text().splitlines()):
        if r["entropy_auc"] is not None:
            scores[r["variant"]][r["data"]].append((r["entropy_auc"], r["ece"]))
    shown = [d for d in datasets if reference[d]]
    print("| variant | cells at or above LabelSpreading | " + " | ".join(shown) + " |")
    print("|---|---|" + "---|" * len(shown))
    print(
        "| LabelSpreading (knn) | | "
        + " | ".join(f"{np.mean(reference[d]):.3f}" for d in shown)
        + " |"
    )
    for variant, by_data in scores.items():
        means = {d: np.mean(by_data[d], axis=0) for d in shown if by_data[d]}
        wins = sum(means[d][0] >= np.mean(reference[d]) for d in means)
        cells = " | ".join(
            f"{means[d][0]:.3f} / {means[d][1]:.3f}" if d in means else "" for d in shown
        )
        print(f"| {variant} | {wins} of {len(means)} | {cells} |")
    print(
        "\nCells: entropy AUROC / ECE on the unlabeled rows, mean over seeds (empty: no"
        " wrong prediction to rank)."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(suite.SEEDS))
    parser.add_argument("--data-dir", default=str(suite.DEFAULT_DATA_DIR))
    parser.add_argument("--report", action="store_true", help="only print the table")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not args.report:
        run(args.data, args.seeds, args.data_dir)
    report(args.data)


if __name__ == "__main__":
    main()
