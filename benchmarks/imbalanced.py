"""Imbalanced classes: tables where nine rows in ten belong to one class.

Labels come in other proportions than the classes': a user who labels 10 rows of
each class tells the model nothing about which class is common, and only the
unlabeled rows can. Three tables, each cut to one positive row for nine negative:

* ``synthetic``: ``make_classification(3000, n_features=10, n_informative=5,
  weights=[0.9, 0.1])``, a new table per seed;
* ``adult``: the validation suite's 5,000 UCI Adult rows of the seed (income above
  50K as the positive class), positives subsampled;
* ``spambase``: every e-mail that is not spam and a random tenth as many spam ones.

Labels, per seed: ``per_class`` draws 10 rows of each class; ``random`` draws 20
rows at random (about two positives). Models, on the same rows and labels:
``SGANClassifier()`` (one torch thread), and the validation suite's baselines
(columns standardised on all rows): ``LabelSpreading(kernel="knn")``,
``SelfTrainingClassifier(LogisticRegression())``, and ``LogisticRegression`` and
``HistGradientBoostingClassifier`` fitted on the labeled rows alone.

Scored on the rows given without a label: accuracy (predicting the common class
everywhere scores about 0.9), balanced accuracy (the mean of the two classes'
recalls: 0.5 for that constant guess), the ROC AUC of the positive class's
probability (how well it ranks rows, whatever the threshold) and the share of rows
predicted positive (about 0.10 is right).

Run from the repository root (about 10 minutes at one thread)::

    python -m benchmarks.imbalanced --seeds 0 1 2 3 4

Writes ``benchmarks/results/imbalanced.json`` and prints a markdown table of
medians over the seeds; ``--report`` prints the table of a finished run.
"""

import argparse
import json

import numpy as np
import torch
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

from benchmarks._common import RESULTS_DIR
from benchmarks.suite import (
    DEFAULT_DATA_DIR,
    DRAWS,
    _adult,
    _spambase,
    draw_labels,
    fit_baseline,
)

OUT = RESULTS_DIR / "imbalanced.json"
MODELS = (
    "sgan",
    "label_spreading_knn",
    "self_training",
    "logistic_regression",
    "gradient_boosting",
)
TABLES = ("synthetic", "adult", "spambase")
# As the validation suite draws them: 10 per class, or 20 at random over the rows.
LABELS_PER_CLASS = 10
NEGATIVES_PER_POSITIVE = 9


def _one_in_ten(X, y, rng):
    negatives = np.flatnonzero(y == 0)
    positives = rng.choice(
        np.flatnonzero(y == 1), len(negatives) // NEGATIVES_PER_POSITIVE, replace=False
    )
    rows = np.sort(np.concatenate([negatives, positives]))
    return X[rows], y[rows]


def table(name, seed, data_dir):
    """``(X, y)`` of one table, positives (class 1) one row in ten."""
    rng = np.random.default_rng(seed)
    if name == "synthetic":
        return make_classification(
            3000, n_features=10, n_informative=5, weights=[0.9, 0.1], random_state=seed
        )
    if name == "adult":
        return _one_in_ten(*_adult(data_dir, seed), rng)
    return _one_in_ten(*_spambase(data_dir, seed), rng)


def scores(model, X, y, partial):
    unlabeled = partial == -1
    proba = np.asarray(model.predict_proba(X[unlabeled]), dtype=np.float64)
    positive = proba[:, list(model.classes_).index(1)]
    # LabelSpreading leaves NaN on rows its graph connects to no label.
    positive = np.nan_to_num(positive, nan=0.5)
    predicted = np.asarray(model.predict(X[unlabeled]))
    truth = y[unlabeled]
    return {
        "accuracy": float(np.mean(predicted == truth)),
        "balanced_accuracy": float(balanced_accuracy_score(truth, predicted)),
        "roc_auc": float(roc_auc_score(truth, positive)),
        "predicted_positive": float(np.mean(predicted == 1)),
    }


def run(seeds, data_dir):
    from sgan_sklearn import SGANClassifier

    rows = []
    for name in TABLES:
        for seed in seeds:
            X, y = table(name, seed, data_dir)
            X = np.asarray(X, dtype=np.float64)
            X_standard = StandardScaler().fit_transform(X)
            for draw in DRAWS:
                partial = draw_labels(y, LABELS_PER_CLASS, draw, seed)
                for model_name in MODELS:
                    if model_name == "sgan":
                        model = SGANClassifier(random_state=seed, n_threads=1).fit(X, partial)
                        found = scores(model, X, y, partial)
                    else:
                        model = fit_baseline(model_name, X_standard, partial, seed)
                        found = scores(model, X_standard, y, partial)
                    rows.append(
                        {"table": name, "draw": draw, "seed": seed, "model": model_name, **found}
                    )
                    print(
                        f"{name:9s} {draw:9s} seed {seed} {model_name:20s} "
                        f"bal. acc. {found['balanced_accuracy']:.3f}  AUC {found['roc_auc']:.3f}",
                        flush=True,
                    )
                    OUT.write_text(json.dumps(rows, indent=1))
    return rows


NAMES = {
    "sgan": "`SGANClassifier()`",
    "label_spreading_knn": "LabelSpreading (knn)",
    "self_training": "self-training (LogReg)",
    "logistic_regression": "LogReg, labeled rows",
}


def report(rows):
    """The results page's table: medians (min-max) over the seeds.

    Gradient boosting on the labeled rows is left out where it predicts the common
    class on every row of every seed, as it does here; the best balanced accuracy
    and ROC AUC of each block are in bold.
    """
    print(
        "| table | labels | model | balanced accuracy | ROC AUC | accuracy | predicted positive |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in TABLES:
        for draw in DRAWS:
            block = {}
            for model_name in MODELS:
                found = [
                    r
                    for r in rows
                    if (r["table"], r["draw"], r["model"]) == (name, draw, model_name)
                ]
                constant = all(r["predicted_positive"] == 0 for r in found)
                if found and not (model_name == "gradient_boosting" and constant):
                    block[model_name] = found
            best = {
                key: max(np.median([r[key] for r in found]) for found in block.values())
                for key in ("balanced_accuracy", "roc_auc")
            }
            labels = "10 per class" if draw == "per_class" else "20 at random"
            for model_name, found in block.items():
                cells = []
                for key in ("balanced_accuracy", "roc_auc"):
                    values = [r[key] for r in found]
                    cell = f"{np.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"
                    cells.append(f"**{cell}**" if np.median(values) == best[key] else cell)
                for key in ("accuracy", "predicted_positive"):
                    cells.append(f"{np.median([r[key] for r in found]):.3f}")
                print(
                    f"| {name} | {labels} | {NAMES.get(model_name, model_name)} | "
                    + " | ".join(cells)
                    + " |"
                )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    parser.add_argument("--report", action="store_true", help="only print the table")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = json.loads(OUT.read_text()) if args.report else run(args.seeds, args.data_dir)
    report(rows)


if __name__ == "__main__":
    main()
