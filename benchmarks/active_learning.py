"""Active learning on digits: uncertainty sampling with SGAN (default parameters) and
LabelSpreading, against random picks of the same number of labels.

Protocol, per seed: ``load_digits``, a stratified 30% test split (``random_state=seed``,
the split of ``benchmarks/digits.py``) that is never labeled nor used for picking;
the other 1,257 rows are the pool. One label per class is drawn with the seed
(``mnist_100_split``); every other pool row is given as -1. Each round fits a new
model on the whole pool, scores it on the test rows, then labels 5 more pool rows:

- entropy: the 5 unlabeled pool rows of highest predictive entropy
  ``-sum_k p_k log p_k`` of ``predict_proba`` (ties: the first in pool order; a row
  that LabelSpreading gives NaN probabilities, unreached by any label, counts as the
  most uncertain, ``log 10``);
- random: 5 unlabeled pool rows drawn by a generator seeded with ``(seed, 1)``, the
  same draws for both models, so their random curves see the same labels.

Fits after 0 to 10 rounds of picks (10 to 60 labels); the test accuracy after each
fit is recorded. Models: ``SGANClassifier(random_state=seed, n_threads=--threads,
**--params)`` and ``LabelSpreading(kernel="knn", n_neighbors=10)``, as on the results
page. NumPy/BLAS threads are limited to ``--threads`` too.

Run from the repository root::

    python -m benchmarks.active_learning --seeds 0 1 2 3 4 --threads 2
    python -m benchmarks.active_learning --report

The run writes ``benchmarks/results/active_learning.json`` after every fit (a cut run
keeps its curves so far; running again with the same settings replaces the curves of
the seeds it runs and keeps the others). ``--report`` prints the mean test accuracy
per round and strategy as a markdown table and draws ``docs/active_learning.png``
(mean curves, min-max bands over seeds).
"""

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import LabelSpreading
from threadpoolctl import threadpool_limits

from benchmarks._common import (
    REPO_ROOT,
    RESULTS_DIR,
    mnist_100_split,
    open_results,
    record_result,
    time_fit,
)
from benchmarks.mnist_sgan import parse_params
from sgan_sklearn import SGANClassifier

PICKS_PER_ROUND = 5
# strategy -> (model, how the rows to label are picked)
STRATEGIES = {
    "SGAN, entropy": ("sgan", "entropy"),
    "SGAN, random": ("sgan", "random"),
    "LabelSpreading, entropy": ("label_spreading", "entropy"),
    "LabelSpreading, random": ("label_spreading", "random"),
}
COLORS = {"sgan": "tab:blue", "label_spreading": "tab:orange"}
DEFAULT_OUT = RESULTS_DIR / "active_learning.json"
DEFAULT_FIGURE = REPO_ROOT / "docs" / "active_learning.png"


def pool_and_test(seed):
    """``(X_pool, y_pool, X_test, y_test)``: the split of ``benchmarks/digits.py``."""
    X, y = load_digits(return_X_y=True)
    X_pool, X_test, y_pool, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=seed
    )
    return X_pool, y_pool, X_test, y_test


def make_model(kind, seed, threads, params):
    if kind == "sgan":
        return SGANClassifier(random_state=seed, n_threads=threads, **params)
    return LabelSpreading(kernel="knn", n_neighbors=10)


def predictive_entropy(proba):
    """Entropy of each probability row; a row with a NaN gets the largest, ``log n_classes``."""
    finite = np.isfinite(proba).all(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(proba > 0, -proba * np.log(proba), 0.0)
    return np.where(finite, terms.sum(axis=1), np.log(proba.shape[1]))


def run_curve(strategy, seed, data, args, params, save):
    """Fit, score and label ``args.rounds`` times; ``save(curve)`` after every fit."""
    kind, picking = STRATEGIES[strategy]
    X_pool, y_pool, X_test, y_test = data
    labels = mnist_100_split(y_pool, 1, seed)
    rng = np.random.default_rng((seed, 1))
    curve = []
    for round_ in range(args.rounds + 1):
        model = make_model(kind, seed, args.threads, params)
        seconds = time_fit(model, X_pool, labels)
        # LabelSpreading's 0 / 0 rows are counted below, not warned about.
        with np.errstate(invalid="ignore"):
            accuracy = float(np.mean(model.predict(X_test) == y_test))
        point = {
            "round": round_,
            "labels": int((labels != -1).sum()),
            "accuracy": accuracy,
            "fit_s": seconds,
        }
        curve.append(point)
        if round_ < args.rounds:
            unlabeled = np.flatnonzero(labels == -1)
            if picking == "random":
                picked = rng.choice(unlabeled, size=PICKS_PER_ROUND, replace=False)
            else:
                with np.errstate(invalid="ignore"):
                    proba = model.predict_proba(X_pool[unlabeled])
                point["nan_rows"] = int((~np.isfinite(proba).all(axis=1)).sum())
                order = np.argsort(-predictive_entropy(proba), kind="stable")
                picked = unlabeled[order[:PICKS_PER_ROUND]]
            point["picked"] = picked.tolist()
            labels[picked] = y_pool[picked]
        save(curve)
        print(
            f"seed {seed}  {strategy:24s} round {round_:2d}  labels {point['labels']:3d}  "
            f"acc {accuracy:.4f}  fit {seconds:5.1f}s",
            flush=True,
        )


def run(args, params):
    path = Path(args.out)
    settings = {
        "data": "load_digits, stratified 30% test split per seed, 1 label per class to start",
        "picks_per_round": PICKS_PER_ROUND,
        "rounds": args.rounds,
        "threads": args.threads,
        "sgan_params": params,
    }
    payload = open_results(path, settings)
    for seed in args.seeds:
        data = pool_and_test(seed)
        for strategy in STRATEGIES:

            def save(curve, strategy=strategy, seed=seed):
                row = {"strategy": strategy, "seed": seed, "curve": curve}
                record_result(payload, row, path, key=("strategy", "seed"))

            run_curve(strategy, seed, data, args, params, save)


def accuracies(rows, strategy):
    """``{round: [accuracy of each seed]}`` of one strategy."""
    by_round = {}
    for row in rows:
        if row["strategy"] == strategy:
            for point in row["curve"]:
                by_round.setdefault(point["round"], []).append(point["accuracy"])
    return by_round


def table(rows):
    strategies = [s for s in STRATEGIES if any(r["strategy"] == s for r in rows)]
    labels = {p["round"]: p["labels"] for r in rows for p in r["curve"]}
    header = " | ".join(f"{s} ({sum(r['strategy'] == s for r in rows)} seeds)" for s in strategies)
    lines = [f"| round | labels | {header} |", "|---|---|" + "---|" * len(strategies)]
    for round_ in sorted(labels):
        cells = []
        for strategy in strategies:
            values = accuracies(rows, strategy).get(round_, [])
            cells.append(f"{np.mean(values):.4f}" if values else "")
        lines.append(f"| {round_} | {labels[round_]} | " + " | ".join(cells) + " |")
    lengths = {len(r["curve"]) for r in rows}
    if len(lengths) > 1:
        lines.append("\nSome curves are incomplete: each mean is over the seeds that reached it.")
    return "\n".join(lines)


def plot(rows, figure):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {p["round"]: p["labels"] for r in rows for p in r["curve"]}
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for strategy in STRATEGIES:
        by_round = accuracies(rows, strategy)
        if not by_round:
            continue
        rounds = sorted(by_round)
        x = [labels[r] for r in rounds]
        values = [np.array(by_round[r]) for r in rounds]
        kind, picking = STRATEGIES[strategy]
        color = COLORS[kind]
        ax.plot(
            x,
            [v.mean() for v in values],
            color=color,
            linestyle="-" if picking == "entropy" else "--",
            marker="o" if picking == "entropy" else "s",
            label=strategy,
        )
        ax.fill_between(
            x, [v.min() for v in values], [v.max() for v in values], color=color, alpha=0.12
        )
    n_seeds = len({r["seed"] for r in rows})
    ax.set_xlabel(f"labeled rows ({PICKS_PER_ROUND} more per round)")
    ax.set_ylabel("digits test accuracy")
    ax.set_title(f"Uncertainty sampling on digits: mean and min-max over {n_seeds} seeds")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    Path(figure).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(figure, dpi=120)
    print(f"wrote {figure}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--rounds", type=int, default=10, help="rounds of picks")
    parser.add_argument("--threads", type=int, default=2, help="torch and BLAS threads")
    parser.add_argument(
        "--params", nargs="*", default=[], help="SGANClassifier parameters, key=value"
    )
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="results file")
    parser.add_argument("--report", action="store_true", help="tabulate and plot saved curves")
    parser.add_argument("--figure", default=str(DEFAULT_FIGURE), help="with --report")
    args = parser.parse_args()
    if args.report:
        rows = json.loads(Path(args.out).read_text())["results"]
        print(table(rows))
        plot(rows, args.figure)
        return
    with threadpool_limits(args.threads):
        run(args, parse_params(args.params))


if __name__ == "__main__":
    main()
