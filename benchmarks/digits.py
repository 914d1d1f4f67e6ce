"""Digits with 5 labels per class: SGAN (default parameters) against LabelSpreading
and a labeled-only baseline, on the same splits.

Protocol: ``load_digits``, a stratified 30% test split per seed, 5 labels per class
drawn from the training part, every other training row given as -1.

Run from the repository root::

    python -m benchmarks.digits --seeds 0 1 2 3 4

Writes ``benchmarks/results/digits.json`` and prints a markdown table.
"""

import argparse
import json
import time

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import LabelSpreading

from benchmarks._common import RESULTS_DIR, mnist_100_split
from sgan_sklearn import SGANClassifier

MODELS = {
    "SGANClassifier()": lambda seed: SGANClassifier(random_state=seed),
    'LabelSpreading(kernel="knn", n_neighbors=10)': lambda seed: LabelSpreading(
        kernel="knn", n_neighbors=10
    ),
    "LogisticRegression (labeled rows only)": lambda seed: LogisticRegression(max_iter=2000),
}


def digits_train_test(seed):
    """``(X_train, y_train, X_test, y_test)``: the stratified 30% test split of ``seed``."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=seed
    )
    return X_train, y_train, X_test, y_test


def digits_split(seed, n_per_class=5):
    X_train, y_train, X_test, y_test = digits_train_test(seed)
    return X_train, mnist_100_split(y_train, n_per_class, seed), X_test, y_test


def run(seeds):
    rows = []
    for seed in seeds:
        X_train, y_partial, X_test, y_test = digits_split(seed)
        for name, make in MODELS.items():
            model = make(seed)
            labeled = y_partial != -1
            start = time.perf_counter()
            if name.startswith("LogisticRegression"):
                model.fit(X_train[labeled], y_partial[labeled])
            else:
                model.fit(X_train, y_partial)
            seconds = time.perf_counter() - start
            accuracy = float(np.mean(model.predict(X_test) == y_test))
            rows.append({"model": name, "seed": seed, "accuracy": accuracy, "fit_s": seconds})
            print(f"seed {seed}  {name:48s} acc {accuracy:.4f}  fit {seconds:6.1f}s", flush=True)
    return rows


def table(rows):
    lines = [
        "| model | mean accuracy | min | max | median fit (s) |",
        "|---|---|---|---|---|",
    ]
    for name in MODELS:
        acc = np.array([r["accuracy"] for r in rows if r["model"] == name])
        fit = np.array([r["fit_s"] for r in rows if r["model"] == name])
        lines.append(
            f"| {name} | {acc.mean():.4f} | {acc.min():.4f} | {acc.max():.4f} "
            f"| {np.median(fit):.1f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = run(args.seeds)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = {"threads": args.threads, "rows": rows}
    (RESULTS_DIR / "digits.json").write_text(json.dumps(out, indent=2))
    print(table(rows))


if __name__ == "__main__":
    main()
