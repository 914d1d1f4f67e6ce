"""Scikit-learn baselines on MNIST-100 (10 labels per class, 59,900 unlabeled).

Fits, for each seed, LabelSpreading (kNN kernel) and self-training on all
60,000 training rows, and logistic regression, an MLP and the SGAN's own
discriminator (``SGANClassifier(unsupervised_weight=0)``: same network, noise and
optimiser, no unsupervised term) on the 100 labeled rows only; scores each on the
official 10,000 test images. Writes ``benchmarks/results/baselines_mnist.json``
and prints a markdown table.

Run from the repository root::

    python -m benchmarks.baselines_mnist --seeds 0 1 2
    python -m benchmarks.baselines_mnist --methods discriminator \
        --output benchmarks/results/baselines_mnist_discriminator.json
"""

import argparse
import shlex
import sys
from pathlib import Path

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.neural_network import MLPClassifier
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

from benchmarks._common import (
    DEFAULT_MNIST_PATH,
    RESULTS_DIR,
    UNLABELED,
    load_mnist_scaled,
    machine_description,
    markdown_table,
    mnist_100_split,
    time_fit,
    write_json,
)
from sgan_sklearn import SGANClassifier

N_PER_CLASS = 10


def make_models(seed):
    """Return ``{name: (model, uses_unlabeled_rows)}`` for one seed."""
    return {
        "LabelSpreading(kernel='knn', n_neighbors=10)": (
            LabelSpreading(kernel="knn", n_neighbors=10),
            True,
        ),
        "SelfTrainingClassifier(LogisticRegression)": (
            SelfTrainingClassifier(LogisticRegression(max_iter=1000)),
            True,
        ),
        "LogisticRegression, labeled only": (LogisticRegression(max_iter=1000), False),
        "MLPClassifier(500, 250, 250), labeled only": (
            MLPClassifier(hidden_layer_sizes=(500, 250, 250), random_state=seed),
            False,
        ),
        # 30 epochs of 100 steps over the 100 labeled rows.
        "SGAN discriminator, labeled only (unsupervised_weight=0)": (
            SGANClassifier(unsupervised_weight=0.0, n_threads=1, random_state=seed),
            False,
        ),
    }


def run(seeds, data_path, output, command, methods=None):
    """Fit every baseline for every seed, writing results after each fit."""
    X_train, y_train, X_test, y_test = load_mnist_scaled(data_path)
    payload = {
        "protocol": {
            "name": "MNIST-100",
            "n_per_class": N_PER_CLASS,
            "n_train": len(y_train),
            "n_test": len(y_test),
            "pixels": "scaled to [0, 1]",
        },
        "command": command,
        "machine": machine_description(),
        "results": [],
    }
    for seed in seeds:
        y_partial = mnist_100_split(y_train, N_PER_CLASS, seed)
        labeled = y_partial != UNLABELED
        for name, (model, uses_unlabeled) in make_models(seed).items():
            if methods and not any(m.lower() in name.lower() for m in methods):
                continue
            rows = slice(None) if uses_unlabeled else labeled
            X_fit, y_fit = X_train[rows], y_partial[rows]
            fit_time = time_fit(model, X_fit, y_fit)
            accuracy = accuracy_score(y_test, model.predict(X_test))
            payload["results"].append(
                {"method": name, "seed": seed, "accuracy": accuracy, "fit_time_s": fit_time}
            )
            write_json(payload, output)
            print(f"seed={seed} {name}: accuracy={accuracy:.4f} fit={fit_time:.1f}s", flush=True)
    return payload


def main(argv=None):
    """Parse the command line, run the benchmark and print the summary table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds of the label draws"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_MNIST_PATH,
        help="folder with the MNIST IDX files (default: ../shared/data/mnist from the repo root)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_DIR / "baselines_mnist.json",
        help="JSON file the results are written to",
    )
    parser.add_argument(
        "--methods", nargs="*", help="only methods whose name contains one of these words"
    )
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    command = shlex.join(["python", "-m", "benchmarks.baselines_mnist", *argv])
    payload = run(args.seeds, args.data, args.output, command, args.methods)
    print(markdown_table(payload["results"]))


if __name__ == "__main__":
    main()
