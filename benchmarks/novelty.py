"""Novelty score: how well ``score_samples`` tells MNIST test digits from other images.

Protocol: ``SGANClassifier`` with default parameters except ``max_epochs`` (10 by
default, fixed before any result was seen) is fitted on MNIST-100 (``_common``: 10
labels per class, the other 59,900 training rows given as -1, pixels in [0, 1]). The
in-distribution rows are the official 10,000 test digits; each out-of-distribution
set has 10,000 rows of 784 pixels:

* ``shuffled pixels``: each test digit with its pixels permuted (its own permutation);
* ``inverted``: each test digit as ``1 - x`` (``255 - x`` in raw pixels);
* ``uniform noise``: independent uniform pixels;
* ``photo patches``: random 28x28 crops of the two grayscale photographs of
  ``sklearn.datasets.load_sample_images`` (embedded in scikit-learn);
* ``digits x 2``: each test digit with its pixels doubled, so that the strokes lie
  outside the pixel range of the training data.

Each score is turned into a ROC AUC of test digits (positive) against one set; 1 is
a perfect separation, 0.5 chance, below 0.5 the set scores *higher* than the digits.
Baselines on the same rows: ``IsolationForest`` fitted on the 60,000 training rows, and
the SGAN's own maximum class probability (``predict_proba(X).max(axis=1)``).

Run from the repository root::

    python -m benchmarks.novelty --seed 0 --threads 1 --data PATH

Writes ``benchmarks/results/novelty.json`` and prints a markdown table.
"""

import argparse
import time

import numpy as np
import torch
from sklearn.datasets import load_sample_images
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

from benchmarks._common import (
    DEFAULT_MNIST_PATH,
    RESULTS_DIR,
    load_mnist_scaled,
    machine_description,
    mnist_100_split,
    write_json,
)
from sgan_sklearn import SGANClassifier

SIDE = 28


def photo_patches(n_rows, rng):
    """``n_rows`` random 28x28 grayscale crops of scikit-learn's sample photographs."""
    photos = [image.mean(axis=2) / 255 for image in load_sample_images().images]
    patches = np.empty((n_rows, SIDE * SIDE), dtype=np.float32)
    for row in range(n_rows):
        photo = photos[rng.integers(len(photos))]
        top = rng.integers(photo.shape[0] - SIDE + 1)
        left = rng.integers(photo.shape[1] - SIDE + 1)
        patches[row] = photo[top : top + SIDE, left : left + SIDE].ravel()
    return patches


def outlier_sets(X_test, rng):
    """The out-of-distribution sets, each as many rows as ``X_test``."""
    n_rows = len(X_test)
    return {
        "shuffled pixels": rng.permuted(X_test, axis=1),
        "inverted": 1 - X_test,
        "uniform noise": rng.uniform(size=X_test.shape).astype(np.float32),
        "photo patches": photo_patches(n_rows, rng),
        "digits x 2": 2 * X_test,
    }


def auc(in_scores, out_scores):
    labels = np.r_[np.ones(len(in_scores)), np.zeros(len(out_scores))]
    return float(roc_auc_score(labels, np.r_[in_scores, out_scores]))


def run(args):
    torch.set_num_threads(args.threads)
    X_train, y_train, X_test, y_test = load_mnist_scaled(args.data)
    y_partial = mnist_100_split(y_train, 10, args.seed)
    rng = np.random.default_rng(args.seed)
    sets = outlier_sets(X_test, rng)

    sgan = SGANClassifier(max_epochs=args.epochs, n_threads=args.threads, random_state=args.seed)
    start = time.perf_counter()
    sgan.fit(X_train, y_partial)
    sgan_seconds = time.perf_counter() - start
    accuracy = float(sgan.score(X_test, y_test))
    print(f"SGAN: {args.epochs} epochs in {sgan_seconds:.0f}s, test accuracy {accuracy:.4f}")

    forest = IsolationForest(random_state=args.seed, n_jobs=args.threads)
    start = time.perf_counter()
    forest.fit(X_train)
    forest_seconds = time.perf_counter() - start

    scores = {
        "SGAN score_samples": sgan.score_samples,
        "SGAN max predict_proba": lambda X: sgan.predict_proba(X).max(axis=1),
        "IsolationForest score_samples": forest.score_samples,
    }
    in_scores = {name: score(X_test) for name, score in scores.items()}
    results = {
        name: {set_name: auc(in_scores[name], score(X)) for set_name, X in sets.items()}
        for name, score in scores.items()
    }
    payload = {
        "seed": args.seed,
        "threads": args.threads,
        "sgan_params": {"max_epochs": args.epochs},
        "sgan_fit_seconds": sgan_seconds,
        "sgan_test_accuracy": accuracy,
        "isolation_forest_fit_seconds": forest_seconds,
        "roc_auc": results,
        "median_score_samples": {
            "test digits": float(np.median(in_scores["SGAN score_samples"])),
            **{set_name: float(np.median(sgan.score_samples(X))) for set_name, X in sets.items()},
        },
        "machine": machine_description(),
    }
    write_json(payload, RESULTS_DIR / "novelty.json")
    print(table(results, list(sets)))


def table(results, set_names):
    lines = [
        "| score | " + " | ".join(set_names) + " |",
        "|---|" + "---|" * len(set_names),
    ]
    for name, aucs in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{aucs[s]:.3f}" for s in set_names) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--epochs", type=int, default=10, help="SGAN max_epochs")
    parser.add_argument("--data", default=DEFAULT_MNIST_PATH)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
