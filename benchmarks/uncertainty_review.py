"""Review the rows each model is least sure of: which errors does a person find?

On the validation suite's cells with 5 labels per class (``benchmarks/suite.py``: the
same data, label draws and seeds), the SGAN's defaults and ``LabelSpreading(kernel="knn")``
are fitted on the same labels, and the rows given without a label are ranked by each
model's predictive entropy. Recorded per fit:

* ``accuracy`` on those rows;
* ``entropy_auc``: ROC AUC of the model's entropy against its own errors (the suite's
  ranking number; the two models have different errors to find);
* ``other_entropy_auc``: ROC AUC of the *other* model's entropy against this model's
  errors, so that each entropy is also scored on the same set of wrong rows;
* ``accuracy_after_review_5`` and ``_10``: the accuracy once a person has checked and
  corrected the 5% (10%) of rows the model is least sure of, which counts both how few
  errors a model makes and how many of them its entropy points to.

Run from the repository root (appends to ``benchmarks/results/uncertainty_review.jsonl``;
a rerun skips the fits already there)::

    python -m benchmarks.uncertainty_review
    python -m benchmarks.uncertainty_review --report
"""

import argparse
import json
import time

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from benchmarks import suite

OUT = suite.REPO_ROOT / "benchmarks" / "results" / "uncertainty_review.jsonl"
MODELS = ("sgan", "label_spreading_knn")
REVIEWED = (5, 10)  # percent of the rows without a label that a person checks


def _auc(wrong, scores):
    return float(roc_auc_score(wrong, scores)) if 0 < wrong.sum() < len(wrong) else None


def accuracy_after_review(wrong, entropy, percent):
    """Accuracy once the ``percent`` least-sure rows are checked and corrected."""
    n_checked = int(round(len(wrong) * percent / 100))
    checked = np.argsort(-entropy, kind="stable")[:n_checked]
    left = wrong.copy()
    left[checked] = False
    return float(1 - left.mean())


def review(data, seed, data_dir):
    """One row per model for the cell ``data`` with 5 labels per class and ``seed``."""
    X, y, y_partial = suite.cell_data(data, 5, "per_class", seed, data_dir)
    truth = np.searchsorted(np.unique(y), y[y_partial == -1])
    fitted = {}
    for name in MODELS:
        start = time.perf_counter()
        if name == "sgan":
            from sgan_sklearn import SGANClassifier

            model = SGANClassifier(random_state=seed, n_threads=1).fit(X, y_partial)
            proba = suite.unlabeled_proba(model, X, y, y_partial)
        else:
            X_standard = StandardScaler().fit_transform(X)
            model = suite.fit_baseline(name, X_standard, y_partial, seed)
            proba = suite.unlabeled_proba(model, X_standard, y, y_partial)
        fitted[name] = (proba, time.perf_counter() - start)
    rows = []
    for name, other in zip(MODELS, MODELS[::-1]):
        proba, seconds = fitted[name]
        wrong = proba.argmax(axis=1) != truth
        entropy = suite.entropy(proba)
        rows.append(
            {
                "model": name,
                "data": data,
                "seed": seed,
                "accuracy": float(1 - wrong.mean()),
                "n_wrong": int(wrong.sum()),
                "entropy_auc": _auc(wrong, entropy),
                "other_entropy_auc": _auc(wrong, suite.entropy(fitted[other][0])),
                **{
                    f"accuracy_after_review_{p}": accuracy_after_review(wrong, entropy, p)
                    for p in REVIEWED
                },
                "fit_s": seconds,
            }
        )
    return rows


def run(datasets, seeds, data_dir):
    for data, seed in suite.pending_fits(datasets, seeds, OUT):
        for row in review(data, seed, data_dir):
            with open(OUT, "a") as file:
                file.write(json.dumps(row) + "\n")
            print(
                f"{row['model']:20s} {data:13s} seed {seed}  acc {row['accuracy']:.3f}"
                f"  after 10% reviewed {row['accuracy_after_review_10']:.3f}",
                flush=True,
            )


def _mean(rows, key):
    values = [r[key] for r in rows if r[key] is not None]
    return float(np.mean(values)) if values else float("nan")


def report():
    rows = [json.loads(line) for line in OUT.read_text().splitlines()]
    print(
        "| data | model | accuracy | entropy AUROC, own errors | the other model's "
        "entropy on these errors | accuracy after 5% reviewed | after 10% |"
    )
    print("|---|---|---|---|---|---|---|")
    wins = {p: 0 for p in REVIEWED}
    cells = sorted({r["data"] for r in rows}, key=list(suite.DATASETS).index)
    for data in cells:
        found = {name: [r for r in rows if r["data"] == data and r["model"] == name]
                 for name in MODELS}  # fmt: skip
        for name in MODELS:
            print(
                f"| {data} | {name.replace('_', ' ')} | {_mean(found[name], 'accuracy'):.3f} "
                f"| {_mean(found[name], 'entropy_auc'):.3f} "
                f"| {_mean(found[name], 'other_entropy_auc'):.3f} | "
                + " | ".join(
                    f"{_mean(found[name], f'accuracy_after_review_{p}'):.3f}" for p in REVIEWED
                )
                + " |"
            )
        for p in REVIEWED:
            key = f"accuracy_after_review_{p}"
            wins[p] += _mean(found["sgan"], key) >= _mean(found["label_spreading_knn"], key)
    print(
        f"\nCells: {len(cells)}; the SGAN at least as accurate as LabelSpreading after "
        + ", ".join(f"{p}% of the rows are checked: {wins[p]}" for p in REVIEWED)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", nargs="+", default=list(suite.DATASETS), choices=list(suite.DATASETS)
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=list(suite.SEEDS))
    parser.add_argument("--data-dir", default=str(suite.DEFAULT_DATA_DIR))
    parser.add_argument("--report", action="store_true", help="only print the table")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not args.report:
        # The cells with 5 labels per class (letter has 10 and 25: not one of them).
        datasets = [d for d in args.data if 5 in suite.DATASETS[d][1]]
        run(datasets, args.seeds, args.data_dir)
    report()


if __name__ == "__main__":
    main()
