"""UCI Letter with few labels: SGAN (default parameters) against LabelSpreading,
self-training and labeled-only baselines, on the same label draws.

Protocol: ``load_letter`` (the usual split: first 16,000 rows for training, last
4,000 for testing; 26 classes, 16 integer attributes in 0-15), ``--labels-per-class``
labels per class drawn with the seed from the training rows (``mnist_100_split``),
every other training row given as -1, accuracy on the 4,000 test rows. The
semi-supervised models see all 16,000 training rows; the labeled-only ones the
labeled rows alone. The attributes go in as they are (one common 0-15 scale):
``SGANClassifier`` standardises internally, LabelSpreading's k-nearest-neighbour graph
uses the raw attributes, the logistic regressions are preceded by a
``StandardScaler``.

Run from the repository root::

    python -m benchmarks.letter --seeds 0 1 2 --threads 1

Writes ``benchmarks/results/letter.json`` and prints a markdown table.
"""

import argparse
import functools
import time

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

from benchmarks._common import (
    REPO_ROOT,
    RESULTS_DIR,
    machine_description,
    markdown_table,
    mnist_100_split,
    write_json,
)
from benchmarks._datasets import load_letter
from sgan_sklearn import SGANClassifier

DEFAULT_LETTER_PATH = REPO_ROOT.parent / "shared" / "data" / "letter"


@functools.lru_cache(maxsize=2)
def letter_train_test(path=DEFAULT_LETTER_PATH):
    """``(X_train, y_train, X_test, y_test)`` of the usual Letter split.

    Attributes as float64, labels as 0-25 (the letters' order); read once per path.
    """
    X_train, y_train, X_test, y_test = load_letter(path, return_X_y=True)
    classes = np.unique(y_train)
    return (
        X_train.astype(np.float64),
        np.searchsorted(classes, y_train),
        X_test.astype(np.float64),
        np.searchsorted(classes, y_test),
    )


def logistic_regression():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


# name -> (factory of the model for a seed, whether it sees the unlabeled rows)
METHODS = {
    "SGANClassifier()": (lambda seed: SGANClassifier(random_state=seed), True),
    "LabelSpreading(kernel='knn', n_neighbors=10)": (
        lambda seed: LabelSpreading(kernel="knn", n_neighbors=10, max_iter=1000),
        True,
    ),
    "SelfTrainingClassifier(LogisticRegression)": (
        lambda seed: SelfTrainingClassifier(logistic_regression()),
        True,
    ),
    "LogisticRegression, labeled only": (lambda seed: logistic_regression(), False),
    "SGAN discriminator, labeled only (`SGANClassifier(unsupervised_weight=0)`)": (
        lambda seed: SGANClassifier(unsupervised_weight=0.0, random_state=seed),
        False,
    ),
}


def run(path, seeds, labels_per_class, methods=None):
    X_train, y_train, X_test, y_test = letter_train_test(path)
    results = []
    for seed in seeds:
        y_partial = mnist_100_split(y_train, labels_per_class, seed)
        labeled = y_partial != -1
        for method, (make, semi_supervised) in METHODS.items():
            if methods and method not in methods:
                continue
            model = make(seed)
            start = time.perf_counter()
            if semi_supervised:
                model.fit(X_train, y_partial)
            else:
                model.fit(X_train[labeled], y_partial[labeled])
            seconds = time.perf_counter() - start
            accuracy = float(np.mean(model.predict(X_test) == y_test))
            results.append(
                {"method": method, "seed": seed, "accuracy": accuracy, "fit_time_s": seconds}
            )
            print(f"seed {seed}  {method:60s} acc {accuracy:.4f}  fit {seconds:6.1f}s", flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--labels-per-class", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--data", default=str(DEFAULT_LETTER_PATH))
    parser.add_argument("--note", default="", help="conditions of the run, kept in the JSON")
    parser.add_argument(
        "--methods", nargs="+", choices=list(METHODS), help="run these only (default: all)"
    )
    parser.add_argument("--out", default="letter.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    results = run(args.data, args.seeds, args.labels_per_class, args.methods)
    write_json(
        {
            "labels_per_class": args.labels_per_class,
            "threads": args.threads,
            "note": args.note,
            "machine": machine_description(),
            "results": results,
        },
        RESULTS_DIR / args.out,
    )
    print(markdown_table(results))


if __name__ == "__main__":
    main()
