"""Where group labels fire on synthetic tables, and how right the labels they give are.

Group labels (``train__group_labels``) label rows before training where the rows fall
apart into groups that each hold labels of one class. On the validation suite they fire
on the two moons and the two circles only; this script looks for the tables where they
would mislabel rows: ``make_classification`` over rows (300, 1,000, 3,000), features
(2, 5, 10, 30), classes (2, 3, 5), clusters per class (1, 2) and class separations (0.5,
1, 2, 3), with 1 and 5 labels per class drawn at random, 3 seeds. Each table is scaled
as the estimator scales it. No network is trained: the script counts the tables where
the rule labels rows and scores those labels against the truth (the unlabeled rows it
labels). Run from the repository root, about a minute::

    python -m benchmarks.group_labels

Writes ``benchmarks/results/group_labels.json``.
"""

import argparse
import itertools
import json
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification

from sgan_sklearn._groups import applies, labels_from_groups
from sgan_sklearn._scaling import fitted_scaler, scaled

OUT = Path(__file__).parent / "results" / "group_labels.json"
ROWS = (300, 1000, 3000)
FEATURES = (2, 5, 10, 30)
CLASSES = (2, 3, 5)
CLUSTERS_PER_CLASS = (1, 2)
SEPARATIONS = (0.5, 1.0, 2.0, 3.0)
LABELS_PER_CLASS = (1, 5)


def tables(seeds):
    """``(settings, X, y)`` for every table of the grid that make_classification can draw."""
    for n_rows, n_features, n_classes, clusters, separation in itertools.product(
        ROWS, FEATURES, CLASSES, CLUSTERS_PER_CLASS, SEPARATIONS
    ):
        informative = min(n_features, max(2, n_classes))
        if n_classes * clusters > 2**informative:
            informative = min(n_features, 4)
        if n_classes * clusters > 2**informative:
            continue
        for seed in seeds:
            X, y = make_classification(
                n_rows,
                n_features,
                n_informative=informative,
                n_redundant=0,
                n_classes=n_classes,
                n_clusters_per_class=clusters,
                class_sep=separation,
                random_state=seed,
            )
            settings = dict(
                rows=n_rows,
                features=n_features,
                classes=n_classes,
                clusters_per_class=clusters,
                separation=separation,
                seed=seed,
            )
            yield settings, X, y


def run(seeds):
    results = []
    for settings, X, y in tables(seeds):
        X_scaled = np.asarray(scaled(fitted_scaler("standard", X), X))
        rng = np.random.default_rng(settings["seed"])
        for per_class in LABELS_PER_CLASS:
            given = np.sort(
                np.concatenate(
                    [rng.choice(np.flatnonzero(y == c), per_class, replace=False)
                     for c in np.unique(y)]
                )
            )  # fmt: skip
            if not applies(X_scaled, given, "mlp"):
                continue
            rows, codes = labels_from_groups(X_scaled, given, y[given])
            added = ~np.isin(rows, given)
            results.append(
                {
                    **settings,
                    "labels_per_class": per_class,
                    "rows_labeled": int(added.sum()),
                    "right": float((codes[added] == y[rows[added]]).mean())
                    if added.any()
                    else None,
                }
            )
    return results


def report(results):
    fired = [r for r in results if r["rows_labeled"]]
    print(f"tables: {len(results)}; group labels fire on {len(fired)}")
    if not fired:
        return
    right = np.array([r["right"] for r in fired])
    print(
        f"share of the labels they give that are right: median {np.median(right):.3f}, "
        f"lowest {right.min():.3f}; fits with under 0.95 right: {(right < 0.95).sum()}"
    )
    for r in fired:
        if r["right"] < 0.95:
            print("  ", {k: v for k, v in r.items()})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--report", action="store_true", help="print the saved results")
    args = parser.parse_args()
    if not args.report:
        start = time.perf_counter()
        results = run(args.seeds)
        OUT.write_text(json.dumps(results, indent=1) + "\n")
        print(f"{time.perf_counter() - start:.0f} s")
    report(json.loads(OUT.read_text()))


if __name__ == "__main__":
    main()
