"""The validation suite: SGANClassifier's defaults against the baselines on many kinds of data.

Every cell is one data set, one number of labels and one way of drawing them:

* ``per_class``: the same number of labels in every class;
* ``random``: that number times the number of classes, drawn at random over the rows,
  so that rare classes get few labels or none (as real labels come).

Each model is fitted on all rows of the set with the labels of the draw and scored
on the rows it was given without a label (the rows a semi-supervised model is asked
about). Nothing is held out as a test set: the suite is where defaults are chosen.
Models, on the same rows and labels:

* ``sgan``: ``SGANClassifier`` with the parameters of ``--config`` (``defaults``:
  none given), one torch thread;
* ``label_spreading_knn``: ``LabelSpreading(kernel="knn")``;
* ``label_spreading_rbf``: ``LabelSpreading(kernel="rbf")`` with ``gamma`` from the
  median heuristic (one over the median squared distance between rows);
* ``self_training``: ``SelfTrainingClassifier(LogisticRegression())``;
* ``logistic_regression`` and ``gradient_boosting``: ``LogisticRegression`` and
  ``HistGradientBoostingClassifier`` fitted on the labeled rows alone.

The baselines see the columns standardised on all rows. Per fit, the suite records
the accuracy, the calibration error (ECE) and how well the predictive entropy ranks
the wrong predictions (ROC AUC of entropy against error: what an uncertainty-sampling
loop relies on), and the fit time.

Data: scikit-learn's iris, wine, breast_cancer, digits and 340-row digits subsets,
two moons and two circles, and from ``../shared/data`` (``--data-dir``): UCI Adult
(5,000 rows of ``adult.data`` per draw, categories one-hot encoded), UCI Letter (its
16,000 training rows), spambase and pendigits (all rows).

Run from the repository root (appends to ``benchmarks/results/suite.jsonl``; a rerun
skips the fits already there)::

    python -m benchmarks.suite --models baselines
    python -m benchmarks.suite --models sgan --config defaults
    python -m benchmarks.suite --report --config defaults

``--cells digits:5:random moons:1:per_class`` runs only those cells (the report
then lists the cells the configuration has rows for).
"""

import argparse
import functools
import json
import subprocess
import time
from pathlib import Path

import numpy as np
import torch
from scipy.stats import rankdata
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_circles,
    make_moons,
)
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier

from benchmarks._calibration_metrics import calibration_metrics
from benchmarks.letter import letter_train_test

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT = REPO_ROOT / "benchmarks" / "results" / "suite.jsonl"
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
SEEDS = (0, 1, 2)
BASELINES = (
    "label_spreading_knn",
    "label_spreading_rbf",
    "self_training",
    "logistic_regression",
    "gradient_boosting",
)
SEMI_SUPERVISED = BASELINES[:3]
LABELED_ONLY = BASELINES[3:]
# SGANClassifier parameters of each configuration the suite compares.
CONFIGS = {"defaults": {}, "no_label_smoothing": {"label_smoothing": 0.0}}


@functools.lru_cache(maxsize=1)
def _read_adult(folder):
    from benchmarks._datasets import load_adult

    return load_adult(folder)


def _adult(data_dir, seed):
    adult = _read_adult(Path(data_dir) / "adult")
    rows = np.random.default_rng(seed).choice(len(adult.frame_train), 5_000, replace=False)
    frame = adult.frame_train.iloc[rows]
    numeric = frame.select_dtypes("number")
    text = frame.drop(columns=numeric.columns).astype(object).fillna("?").astype(str)
    categories = OneHotEncoder(sparse_output=False).fit_transform(text)
    y = (adult.target_train.iloc[rows] == ">50K").to_numpy(dtype=np.int64)
    return np.hstack([numeric.to_numpy(dtype=np.float64), categories]), y


def _letter(data_dir, seed):
    X_train, y_train, _, _ = letter_train_test(Path(data_dir) / "letter")
    return X_train, y_train


def _spambase(data_dir, seed):
    data = np.loadtxt(Path(data_dir) / "spambase" / "spambase.data", delimiter=",")
    return data[:, :-1], data[:, -1].astype(np.int64)


def _pendigits(data_dir, seed):
    folder = Path(data_dir) / "pendigits"
    files = ("pendigits.tra", "pendigits.tes")
    parts = [np.loadtxt(folder / name, delimiter=",") for name in files]
    data = np.vstack(parts)
    return data[:, :-1], data[:, -1].astype(np.int64)


def _digits340(data_dir, seed):
    X, y = load_digits(return_X_y=True)
    rows = np.random.default_rng(seed).choice(len(y), 340, replace=False)
    return X[rows], y[rows]


# name: (loader(data_dir, seed) -> (X, y), the two label levels)
DATASETS = {
    "iris": (lambda d, s: load_iris(return_X_y=True), (5, 25)),
    "wine": (lambda d, s: load_wine(return_X_y=True), (5, 25)),
    "breast_cancer": (lambda d, s: load_breast_cancer(return_X_y=True), (5, 25)),
    "digits": (lambda d, s: load_digits(return_X_y=True), (5, 25)),
    "digits340": (_digits340, (5, 15)),
    "moons": (lambda d, s: make_moons(300, noise=0.1, random_state=s), (1, 5)),
    "circles": (lambda d, s: make_circles(200, random_state=s), (1, 5)),
    "adult": (_adult, (5, 25)),
    "letter": (_letter, (10, 25)),
    "spambase": (_spambase, (5, 25)),
    "pendigits": (_pendigits, (5, 25)),
}
DRAWS = ("per_class", "random")


def draw_labels(y, level, draw, seed):
    """``y`` with -1 on every row not drawn; ``random`` draws ``level`` times the classes."""
    rng = np.random.default_rng((seed, level, DRAWS.index(draw)))
    classes = np.unique(y)
    while True:
        if draw == "per_class":
            rows = np.concatenate(
                [rng.choice(np.flatnonzero(y == c), level, replace=False) for c in classes]
            )
        else:
            rows = rng.choice(len(y), level * len(classes), replace=False)
        if len(np.unique(y[rows])) > 1:  # every model needs two classes to tell apart
            break
    partial = np.full(len(y), -1)
    partial[rows] = y[rows]
    return partial


def _median_gamma(X, seed):
    sample = np.random.default_rng(seed).choice(len(X), min(len(X), 1_000), replace=False)
    distances = euclidean_distances(X[sample], squared=True)
    return 1.0 / np.median(distances[np.triu_indices(len(sample), 1)])


def fit_baseline(name, X, y_partial, seed):
    """The fitted baseline and its probabilities on every row, in the order of ``classes``."""
    labeled = y_partial != -1
    if name == "label_spreading_knn":
        model = LabelSpreading(kernel="knn", max_iter=1000)
    elif name == "label_spreading_rbf":
        model = LabelSpreading(kernel="rbf", gamma=_median_gamma(X, seed), max_iter=1000)
    elif name == "self_training":
        model = SelfTrainingClassifier(LogisticRegression(max_iter=1000))
    elif name == "logistic_regression":
        model = LogisticRegression(max_iter=1000).fit(X[labeled], y_partial[labeled])
        return model
    elif name == "gradient_boosting":
        model = HistGradientBoostingClassifier(random_state=seed)
        return model.fit(X[labeled], y_partial[labeled])
    return model.fit(X, y_partial)


def cell_data(data, level, draw, seed, data_dir):
    loader, _ = DATASETS[data]
    X, y = loader(data_dir, seed)
    y = np.asarray(y)
    return np.asarray(X, dtype=np.float64), y, draw_labels(y, level, draw, seed)


def unlabeled_proba(model, X, y, y_partial):
    """``model``'s probabilities on the rows given without a label, a column per class of ``y``."""
    unlabeled = y_partial == -1
    proba = np.asarray(model.predict_proba(X[unlabeled]), dtype=np.float64)
    # LabelSpreading leaves NaN on rows its kernel connects to no label: no information.
    proba[~np.isfinite(proba).all(axis=1)] = 1 / proba.shape[1]
    proba = np.clip(proba, 0, None)
    proba = proba / proba.sum(axis=1, keepdims=True)
    # Classes no label named: probability 0, so accuracy and ECE count them as errors.
    full = np.zeros((unlabeled.sum(), len(np.unique(y))))
    full[:, np.searchsorted(np.unique(y), model.classes_)] = proba
    return full


def entropy(proba):
    """Predictive entropy of each row (columns of probability 0 add nothing)."""
    return -(proba * np.log(np.clip(proba, 1e-12, None))).sum(axis=1)


def scores_of(proba, truth):
    """Accuracy, ECE and entropy-error ROC AUC of ``proba`` (a column per class)
    against the class positions ``truth``."""
    wrong = proba.argmax(axis=1) != truth
    ranking = roc_auc_score(wrong, entropy(proba)) if 0 < wrong.sum() < len(wrong) else None
    return {
        "accuracy": float(1 - wrong.mean()),
        "ece": calibration_metrics(truth, proba)["ece"],
        "entropy_auc": None if ranking is None else float(ranking),
    }


def score(model, X, y, y_partial):
    """Accuracy, ECE and entropy-error ROC AUC on the rows given without a label."""
    full = unlabeled_proba(model, X, y, y_partial)
    return scores_of(full, np.searchsorted(np.unique(y), y[y_partial == -1]))


def pending_fits(datasets, seeds, path):
    """The ``(data, seed)`` pairs of ``datasets`` and ``seeds`` whose rows the results
    file at ``path`` does not hold yet, in order."""
    done = set()
    if path.exists():
        done = {(r["data"], r["seed"]) for r in map(json.loads, path.read_text().splitlines())}
    return [(data, seed) for data in datasets for seed in seeds if (data, seed) not in done]


def _commit():
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    return found.stdout.strip()


def cells(datasets, only=None):
    """The suite's cells of ``datasets``; with ``only`` (``"data:level:draw"``), just those."""
    if only:
        for spec in only:
            data, level, draw = spec.split(":")
            if data not in DATASETS or int(level) not in DATASETS[data][1] or draw not in DRAWS:
                raise ValueError(f"{spec!r} is not a cell of the suite (data:level:draw)")
            yield data, int(level), draw
        return
    for data in datasets:
        for level in DATASETS[data][1]:
            for draw in DRAWS:
                yield data, level, draw


def done_keys():
    if not OUT.exists():
        return set()
    return {
        (r["model"], r["config"], r["data"], r["level"], r["draw"], r["seed"])
        for r in map(json.loads, OUT.read_text().splitlines())
    }


def run(models, config, tag, datasets, seeds, data_dir, only=None):
    import sgan_sklearn
    from sgan_sklearn import SGANClassifier

    done = done_keys()
    commit = _commit()
    for data, level, draw in cells(datasets, only):
        for seed in seeds:
            X, y, y_partial = cell_data(data, level, draw, seed, data_dir)
            X_standard = StandardScaler().fit_transform(X)
            for model_name in models:
                label = tag if model_name == "sgan" else ""
                if (model_name, label, data, level, draw, seed) in done:
                    continue
                start = time.perf_counter()
                if model_name == "sgan":
                    params = CONFIGS[config]
                    model = SGANClassifier(random_state=seed, n_threads=1, **params)
                    model.fit(X, y_partial)
                    scores = score(model, X, y, y_partial)
                else:
                    model = fit_baseline(model_name, X_standard, y_partial, seed)
                    scores = score(model, X_standard, y, y_partial)
                row = {
                    "model": model_name,
                    "config": label,
                    "data": data,
                    "level": level,
                    "draw": draw,
                    "seed": seed,
                    **scores,
                    "fit_s": time.perf_counter() - start,
                    "commit": commit,
                    "sgan_sklearn": sgan_sklearn.__version__,
                }
                with open(OUT, "a") as file:
                    file.write(json.dumps(row) + "\n")
                print(
                    f"{model_name:20s} {label:14s} {data:13s} {level:3d} {draw:9s} seed {seed}"
                    f"  acc {scores['accuracy']:.3f}  {row['fit_s']:6.1f}s",
                    flush=True,
                )


def _by_cell(rows, config, datasets):
    """``{cell: {model: rows}}`` for the cells where the SGAN and every baseline have rows."""
    names = ["sgan", *BASELINES]
    grouped = {}
    for r in rows:
        if r["config"] == (config if r["model"] == "sgan" else ""):
            cell = (r["data"], r["level"], r["draw"])
            grouped.setdefault(cell, {}).setdefault(r["model"], []).append(r)
    return {
        cell: grouped[cell]
        for cell in cells(datasets)
        if all(name in grouped.get(cell, {}) for name in names)
    }


def report(config, datasets):
    rows = [json.loads(line) for line in OUT.read_text().splitlines()]
    names = ["sgan", *BASELINES]
    print(
        f"| data | labels | draw | SGAN ({config}) | "
        + " | ".join(n.replace("_", " ") for n in BASELINES)
        + " |"
    )
    print("|---|---|---|" + "---|" * len(names))
    complete = _by_cell(rows, config, datasets)
    no_harm = lead = auc_ok = auc_cells = 0
    ranks = []
    for (data, level, draw), found in complete.items():
        accuracies = {name: [r["accuracy"] for r in found[name]] for name in names}
        means = {name: float(np.mean(values)) for name, values in accuracies.items()}
        no_harm += means["sgan"] >= max(means[n] for n in LABELED_ONLY) - 0.01
        lead += means["sgan"] > max(means[n] for n in SEMI_SUPERVISED)
        ranks.append(rankdata([-means[n] for n in names]))
        # A fit without wrong predictions has none to rank (its ROC AUC is None).
        sgan_has_errors = any(r["entropy_auc"] is not None for r in found["sgan"])
        if level == 5 and draw == "per_class" and sgan_has_errors:
            aucs = {
                name: np.nanmean([np.nan if r["entropy_auc"] is None else r["entropy_auc"]
                                  for r in found[name]])
                for name in ("sgan", "label_spreading_knn")
            }  # fmt: skip
            auc_cells += 1
            auc_ok += aucs["sgan"] >= aucs["label_spreading_knn"] - 1e-9
        texts = []
        for name in names:
            text = f"{means[name]:.3f} ({min(accuracies[name]):.3f}-{max(accuracies[name]):.3f})"
            texts.append(f"**{text}**" if means[name] == max(means.values()) else text)
        print(f"| {data} | {level} | {draw} | " + " | ".join(texts) + " |")
    if not complete:
        return
    mean_ranks = dict(zip(names, np.mean(ranks, axis=0)))
    print(
        f"\nCells: {len(complete)}; SGAN within 1 point of the best labeled-only "
        f"baseline: {no_harm}; ahead of the best semi-supervised baseline: {lead}; "
        "entropy ranks errors at least as well as LabelSpreading (knn) on "
        f"{auc_ok} of {auc_cells} cells with 5 labels per class where it makes errors."
    )
    print(
        "Mean rank over the cells (1 = most accurate): "
        + ", ".join(f"{n} {r:.2f}" for n, r in sorted(mean_ranks.items(), key=lambda x: x[1]))
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["sgan", "baselines"])
    parser.add_argument("--config", default="defaults", choices=sorted(CONFIGS))
    parser.add_argument(
        "--tag", help="name the SGAN rows are stored under (default: the configuration's)"
    )
    parser.add_argument("--data", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument(
        "--cells", nargs="+", metavar="DATA:LEVEL:DRAW", help="run only these cells"
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    parser.add_argument("--report", action="store_true", help="only print the table")
    args = parser.parse_args()
    models = [m for name in args.models for m in (BASELINES if name == "baselines" else [name])]
    torch.set_num_threads(1)
    if not args.report:
        run(
            models,
            args.config,
            args.tag or args.config,
            args.data,
            args.seeds,
            args.data_dir,
            args.cells,
        )
    report(args.tag or args.config, args.data)


if __name__ == "__main__":
    main()
