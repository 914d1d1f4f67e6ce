"""Calibration of predicted probabilities: SGAN (default parameters) against LabelSpreading
and a labeled-only logistic regression, on digits, UCI Letter and MNIST-100.

For every data set, seed and model, on the test rows:

- accuracy: ``predict`` against the true labels, on every test row;
- ECE, expected calibration error: the top-class probability (confidence) of each
  row goes into one of 15 equal-width bins on [0, 1]; ECE is the sum over bins of
  ``|bin accuracy - bin mean confidence|`` weighted by the bin's share of the rows;
- log loss: ``sklearn.metrics.log_loss(y, proba, labels=classes)``, probabilities in
  float64 (clipped to ``[2.2e-16, 1 - 2.2e-16]`` for every model alike, rows divided
  by their sums);
- Brier score: mean over rows of the squared distance between the probability row
  and the one-hot row of the true class (0 to 2);
- the share of test rows with a top-class probability above 0.99.

LabelSpreading can give a test row NaN probabilities (none of its neighbours
reached by a label); such rows are counted (``nan_rows``) and the calibration
metrics are computed on the finite rows only. Its accuracy still counts every row
(``predict`` gives a NaN row the first class).

Models: ``SGANClassifier(random_state=seed, n_threads=--threads, **--params)``;
``LabelSpreading(kernel="knn", n_neighbors=10)``, as on the results page;
``LogisticRegression(max_iter=1000)`` behind a
``StandardScaler``, fitted on the labeled rows alone (``benchmarks/digits.py`` and
``benchmarks/baselines_mnist.py`` fit theirs on the unscaled pixels, so on digits and
MNIST its accuracy differs from ``docs/benchmarks.md``). The semi-supervised models
see every training row, unlabeled ones as -1. NumPy/BLAS threads are limited to
``--threads`` too.

Protocols, the same splits as the accuracy benchmarks:

- digits: ``benchmarks.digits.digits_split`` (stratified 30% test split per seed,
  5 labels per class from the training part), seeds 0-4;
- letter: ``benchmarks/letter.py`` (16,000 training rows, 10 labels per class drawn
  with ``mnist_100_split``, 4,000 test rows), seeds 0-2;
- mnist: MNIST-100 (``_common.mnist_100_split``, 10 labels per class, the official
  10,000 test images, pixels in [0, 1]), seeds 0-2.

Run from the repository root (each data set writes
``benchmarks/results/calibration_<dataset>.json`` after every fit, so a cut run
keeps what it did; running it again with the same settings replaces the rows of
the seeds it runs and keeps the others)::

    python -m benchmarks.calibration --datasets digits --threads 2
    python -m benchmarks.calibration --datasets letter --threads 2 --letter-data PATH
    python -m benchmarks.calibration --datasets mnist --threads 2 --mnist-data PATH
    python -m benchmarks.calibration --report

For the SGAN, the same fit is also scored at every temperature of the grid of
``benchmarks/temperature.py``
(``by_temperature``; a temperature never changes ``predict``), so that the default
temperature can be compared with the others without refitting.

``--report`` prints a markdown table of the means over seeds (and one of the SGAN's
ECE / log loss by temperature) and draws
``docs/reliability_diagram.png`` (bin accuracy against bin confidence, bins of all
seeds pooled, one panel per data set).
"""

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import LabelSpreading
from threadpoolctl import threadpool_limits

from benchmarks._calibration_metrics import N_BINS, calibration_metrics
from benchmarks._common import (
    DEFAULT_MNIST_PATH,
    REPO_ROOT,
    RESULTS_DIR,
    load_mnist_scaled,
    mnist_100_split,
    open_results,
    record_result,
    time_fit,
)
from benchmarks.digits import digits_split
from benchmarks.letter import DEFAULT_LETTER_PATH, letter_train_test
from benchmarks.mnist_sgan import parse_params
from benchmarks.temperature import tempered_metrics
from sgan_sklearn import SGANClassifier

# Temperatures of the report's table of ``by_temperature`` (which records every
# temperature of ``benchmarks.temperature.TEMPERATURES``).
TEMPERATURES = (1.0, 1.5, 1.75, 2.0, 2.5, 3.0)
DEFAULT_SEEDS = {"digits": [0, 1, 2, 3, 4], "letter": [0, 1, 2], "mnist": [0, 1, 2]}
PROTOCOLS = {
    "digits": "load_digits, stratified 30% test split per seed, 5 labels per class",
    "letter": "load_letter, 16,000 train / 4,000 test, 10 labels per class",
    "mnist": "MNIST-100: 10 labels per class, official 10,000 test images, pixels in [0, 1]",
}
DEFAULT_OUT = str(RESULTS_DIR / "calibration_{dataset}.json")
DEFAULT_FIGURE = REPO_ROOT / "docs" / "reliability_diagram.png"


def splits(dataset, seeds, letter_data, mnist_data):
    """Yield ``(seed, X_train, y_partial, X_test, y_test)``, labels as 0 to n_classes - 1."""
    if dataset == "digits":
        for seed in seeds:
            yield (seed, *digits_split(seed))
        return
    if dataset == "letter":
        X_train, y_train, X_test, y_test = letter_train_test(letter_data)
    else:
        X_train, y_train, X_test, y_test = load_mnist_scaled(mnist_data)
    labels_per_class = 10
    for seed in seeds:
        yield seed, X_train, mnist_100_split(y_train, labels_per_class, seed), X_test, y_test


def sgan_name(params):
    return "SGANClassifier(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"


def make_models(seed, threads, params):
    """Return ``{name: (model, sees_unlabeled_rows)}`` for one seed."""
    return {
        sgan_name(params): (
            SGANClassifier(random_state=seed, n_threads=threads, **params),
            True,
        ),
        'LabelSpreading(kernel="knn")': (LabelSpreading(kernel="knn", n_neighbors=10), True),
        "LogisticRegression, labeled only": (
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            False,
        ),
    }


def evaluate(model, X_test, y_test, n_classes):
    """Accuracy on every test row, NaN rows, and the calibration metrics of the finite rows."""
    if not np.array_equal(model.classes_, np.arange(n_classes)):
        raise ValueError(f"{model} learned classes {model.classes_}, not 0-{n_classes - 1}.")
    # LabelSpreading's 0 / 0 rows are counted below, not warned about.
    with np.errstate(invalid="ignore"):
        proba = model.predict_proba(X_test)
        predictions = model.predict(X_test)
    finite = np.isfinite(proba).all(axis=1)
    row = {
        "accuracy": float(np.mean(predictions == y_test)),
        "n_test": int(len(y_test)),
        "nan_rows": int((~finite).sum()),
        **calibration_metrics(y_test[finite], proba[finite]),
    }
    if isinstance(model, SGANClassifier):
        row["by_temperature"] = by_temperature(model, X_test, y_test)
    return row


def by_temperature(model, X_test, y_test):
    """ECE and log loss of the same fit at every temperature of ``TEMPERATURES``.

    A temperature never changes ``predict``, so the defaults' temperature is compared
    with the others on one fit: the probabilities at temperature 1 are tempered by
    ``benchmarks.temperature.tempered_metrics``; the model's own setting is restored.
    """
    chosen = model.temperature
    try:
        proba = model.set_params(temperature=1.0).predict_proba(X_test)
    finally:
        model.set_params(temperature=chosen)
    return tempered_metrics(y_test, proba)


def run(args, params):
    for dataset in args.datasets:
        path = Path(args.out.format(dataset=dataset))
        settings = {
            "dataset": dataset,
            "protocol": PROTOCOLS[dataset],
            "threads": args.threads,
            "sgan_params": params,
        }
        payload = open_results(path, settings)
        seeds = args.seeds or DEFAULT_SEEDS[dataset]
        for seed, X_train, y_partial, X_test, y_test in splits(
            dataset, seeds, args.letter_data, args.mnist_data
        ):
            labeled = y_partial != -1
            n_classes = len(np.unique(y_partial[labeled]))
            for name, (model, semi_supervised) in make_models(seed, args.threads, params).items():
                if semi_supervised:
                    seconds = time_fit(model, X_train, y_partial)
                else:
                    seconds = time_fit(model, X_train[labeled], y_partial[labeled])
                row = {
                    "dataset": dataset,
                    "model": name,
                    "seed": seed,
                    "fit_s": seconds,
                    **evaluate(model, X_test, y_test, n_classes),
                }
                record_result(payload, row, path, key=("model", "seed"))
                print(
                    f"{dataset} seed {seed}  {name:34s} acc {row['accuracy']:.4f}  "
                    f"ECE {row['ece']:.4f}  log loss {row['log_loss']:.4f}  "
                    f"Brier {row['brier']:.4f}  >0.99 {row['share_above_0.99']:.3f}  "
                    f"NaN rows {row['nan_rows']}  fit {seconds:6.1f}s",
                    flush=True,
                )


def load_results(out, datasets):
    """``{dataset: rows}`` of the results files that exist."""
    results = {}
    for dataset in datasets:
        path = Path(out.format(dataset=dataset))
        if path.exists():
            results[dataset] = json.loads(path.read_text())["results"]
        else:
            print(f"(no {path}: {dataset} left out)")
    return results


def table(results):
    lines = [
        "| data | model | seeds | accuracy | ECE | log loss | Brier | top p > 0.99 | NaN rows |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for dataset, rows in results.items():
        for model in dict.fromkeys(r["model"] for r in rows):
            mine = [r for r in rows if r["model"] == model]

            def mean(key, mine=mine):
                return np.mean([r[key] for r in mine])

            nan_rows = sum(r["nan_rows"] for r in mine)
            n_test = sum(r["n_test"] for r in mine)
            lines.append(
                f"| {dataset} | {model} | {len(mine)} | {mean('accuracy'):.4f} "
                f"| {mean('ece'):.4f} | {mean('log_loss'):.4f} | {mean('brier'):.4f} "
                f"| {mean('share_above_0.99'):.3f} | {nan_rows} of {n_test} |"
            )
            if nan_rows:
                notes.append(
                    f"{dataset}, {model}: {nan_rows} of {n_test} test rows (all seeds) had "
                    "NaN probabilities; ECE, log loss, Brier and the share above 0.99 are "
                    "over the finite rows, accuracy over all rows."
                )
    return "\n".join(lines + [""] + notes + [""] + temperature_table(results))


def temperature_table(results):
    """Mean ECE / log loss of the SGAN fits at every temperature, where recorded."""
    lines = [
        "| data | model | " + " | ".join(f"T={t:g}" for t in TEMPERATURES) + " |",
        "|---|---|" + "---|" * len(TEMPERATURES),
    ]
    for dataset, rows in results.items():
        for model in dict.fromkeys(r["model"] for r in rows if "by_temperature" in r):
            mine = [
                r["by_temperature"] for r in rows if r["model"] == model and "by_temperature" in r
            ]
            cells = [
                f"{np.mean([m[str(t)]['ece'] for m in mine]):.3f} / "
                f"{np.mean([m[str(t)]['log_loss'] for m in mine]):.3f}"
                for t in TEMPERATURES
            ]
            lines.append(
                f"| {dataset} | {model} ({len(mine)} seeds) | " + " | ".join(cells) + " |"
            )
    return lines if len(lines) > 2 else []


def reliability_diagram(results, figure):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1, len(results), figsize=(max(4.2 * len(results), 8), 4.8), squeeze=False, sharey=True
    )
    for ax, (dataset, rows) in zip(axes[0], results.items()):
        for model in dict.fromkeys(r["model"] for r in rows):
            mine = [r["bins"] for r in rows if r["model"] == model]
            counts = np.sum([b["counts"] for b in mine], axis=0)
            confidence = np.sum([b["confidence_sums"] for b in mine], axis=0)
            correct = np.sum([b["correct"] for b in mine], axis=0)
            filled = counts > 0
            x, y = confidence[filled] / counts[filled], correct[filled] / counts[filled]
            (line,) = ax.plot(x, y, linewidth=1.2, label=model)
            # Marker area follows the bin's share of the rows: bins of a few rows are noisy.
            share = counts[filled] / counts.sum()
            ax.scatter(x, y, s=6 + 300 * share, color=line.get_color(), zorder=3)
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        ax.set_title(f"{dataset} ({len({r['seed'] for r in rows})} seeds pooled)")
        ax.set_xlabel(f"mean top-class probability in bin ({N_BINS} bins)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("accuracy in bin (marker area: share of the rows)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    Path(figure).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(figure, dpi=120)
    print(f"wrote {figure}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", choices=list(DEFAULT_SEEDS), default=list(DEFAULT_SEEDS)
    )
    parser.add_argument(
        "--seeds", type=int, nargs="+", help="default: 0-4 for digits, 0-2 for letter and mnist"
    )
    parser.add_argument("--threads", type=int, default=2, help="torch and BLAS threads")
    parser.add_argument(
        "--params", nargs="*", default=[], help="SGANClassifier parameters, key=value"
    )
    parser.add_argument("--letter-data", default=str(DEFAULT_LETTER_PATH))
    parser.add_argument("--mnist-data", default=str(DEFAULT_MNIST_PATH))
    parser.add_argument(
        "--out", default=DEFAULT_OUT, help="results file; {dataset} is replaced by its name"
    )
    parser.add_argument("--report", action="store_true", help="tabulate and plot saved runs")
    parser.add_argument("--figure", default=str(DEFAULT_FIGURE), help="with --report")
    args = parser.parse_args()
    if len(args.datasets) > 1 and "{dataset}" not in args.out:
        parser.error("--out needs {dataset} in it when more than one data set is named")
    if args.report:
        results = load_results(args.out, args.datasets)
        if results:
            print(table(results))
            reliability_diagram(results, args.figure)
        return
    with threadpool_limits(args.threads):
        run(args, parse_params(args.params))


if __name__ == "__main__":
    main()
