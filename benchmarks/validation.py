"""Choose defaults for small data on validation rows, never on test rows.

Each configuration is a set of ``SGANClassifier`` parameters; each is fitted on
label draws 10-14 of four small data sets and scored on the training rows it
was given as unlabeled (the test rows of ``benchmarks.digits`` are not used):

* ``digits``: the digits protocol's training part (1,257 rows, 5 labels per class);
* ``digits340``: 340 random digits rows with 40 labels drawn at random, not
  stratified (some classes get 1-2 labels);
* ``iris``: 150 rows, 10 labels (stratified, so that every class has one);
* ``moons``: 200 rows of two moons (noise 0.15), 6 labels (stratified);
* ``letter``: the UCI Letter protocol's 16,000 training rows, 10 labels per class
  (``benchmarks.letter``; the data under ``../shared/data/letter``);
* ``digits10``, ``digits20``, ``digits30``, ``digits60``: the digits protocol's
  training part with 1 label per class, and with 10, 20 or 50 more labels drawn at
  random from the other rows (so classes get 1-11 labels): the labeled sets of an
  uncertainty-sampling loop (``benchmarks.active_learning``).

Run from the repository root (one torch thread per process; two processes can
share the two cores, as accuracy, not time, decides)::

    python -m benchmarks.validation --configs batch100_steps50 batch300_steps17
    python -m benchmarks.validation --report --configs batch100_steps50 batch300_steps17

Appends one JSON line per fit to ``benchmarks/results/validation.jsonl`` (a
rerun skips fits already there) and prints a table of mean accuracy and steps,
and one of calibration (ECE, log loss, share of rows above 0.99; the metrics
of ``benchmarks.calibration``) for the fits that recorded it.
"""

import argparse
import json
import time

import numpy as np
import torch
from sklearn.datasets import load_iris, make_moons
from sklearn.model_selection import train_test_split

import sgan_sklearn
from benchmarks._calibration_metrics import calibration_metrics
from benchmarks._common import RESULTS_DIR, mnist_100_split
from benchmarks.digits import digits_train_test
from benchmarks.letter import letter_train_test
from benchmarks.small_data import digits340
from sgan_sklearn import SGANClassifier

OUT = RESULTS_DIR / "validation.jsonl"


def _config(batch, steps, smoothing=0.0, **extra):
    return {
        "batch_size": batch,
        "train__min_steps_per_epoch": steps,
        "label_smoothing": smoothing,
        **extra,
    }


DECAY = {"learning_rate_schedule": "linear_decay"}
# Every parameter the comparison varies is explicit, so that a name keeps its
# meaning when the defaults change. batch100_steps50 is the step budget before
# batch_size="auto" (100-row batches, 50 steps per epoch, no label smoothing).
CONFIGS = {
    "batch100_steps50": _config(100, 50),
    "batch100_steps50_decay": _config(100, 50, **DECAY),
    "batch100_steps30_decay": _config(100, 30, **DECAY),
    "batch100_steps30_decay_passes10": _config(100, 30, train__max_passes_per_epoch=10, **DECAY),
    "batch200_steps25": _config(200, 25),
    "batch200_steps25_decay": _config(200, 25, **DECAY),
    "batch300_steps17": _config(300, 17),
    "batch400_steps13": _config(400, 13),
    "batch300_steps17_smooth0": _config(300, 17, 0.0),
    "batch300_steps17_smooth0.05": _config(300, 17, 0.05),
    "batch300_steps17_smooth0.1": _config(300, 17, 0.1),
    "batch300_steps17_smooth0.2": _config(300, 17, 0.2),
    "batch100_steps50_smooth0.05": _config(100, 50, 0.05),
    # The defaults of the version that ran the fit (its "sgan_sklearn" field).
    "defaults": {},
    # The user guide's large-data settings at the default budget: their cost off
    # large images (docs/benchmarks.md, the Improved-GAN budget).
    "large_data_settings": {
        "input_scaling": "minmax",
        "train__generator_start": "data_mean",
        "learning_rate_schedule": "linear_decay",
    },
    # Each of the three alone, to find which one costs where.
    "minmax": {"input_scaling": "minmax"},
    "data_mean_start": {"train__generator_start": "data_mean"},
    "linear_decay": {"learning_rate_schedule": "linear_decay"},
}


def _stratified_labels(y, n_labels, seed):
    """``y`` with all but ``n_labels`` rows (stratified) set to -1."""
    rows, _ = train_test_split(
        np.arange(len(y)), train_size=n_labels, stratify=y, random_state=seed
    )
    partial = np.full(len(y), -1)
    partial[rows] = y[rows]
    return partial


def dataset(name, seed):
    """``(X, y_partial, y_true)`` of one label draw."""
    if name == "digits":
        X, y_train, _, _ = digits_train_test(seed)
        return X, mnist_100_split(y_train, 5, seed), y_train
    if name in ("digits10", "digits20", "digits30", "digits60"):
        X, y_train, _, _ = digits_train_test(seed)
        y_partial = mnist_100_split(y_train, 1, seed)
        n_extra = int(name[len("digits") :]) - 10
        if n_extra:
            unlabeled = np.flatnonzero(y_partial == -1)
            extra = np.random.default_rng((seed, 20)).choice(unlabeled, n_extra, replace=False)
            y_partial[extra] = y_train[extra]
        return X, y_partial, y_train
    if name == "letter":
        # The Letter protocol's training rows (16,000), 10 labels per class.
        X, y, _, _ = letter_train_test()
        return X, mnist_100_split(y, 10, seed), y
    if name == "digits340":
        return digits340(seed)
    if name == "iris":
        X, y = load_iris(return_X_y=True)
        return X, _stratified_labels(y, 10, seed), y
    if name == "moons":
        X, y = make_moons(200, noise=0.15, random_state=seed)
        return X, _stratified_labels(y, 6, seed), y
    raise ValueError(name)


DATASETS = (
    "digits",
    "digits340",
    "iris",
    "moons",
    "digits10",
    "digits20",
    "digits30",
    "digits60",
    "letter",
)
# The table's mean is over the four small data sets (the choice of the step budget).
MEAN_OVER = DATASETS[:4]


def done_keys(path=OUT):
    """``(config, data, seed)`` of the fits already recorded in the JSON-lines ``path``."""
    if not path.exists():
        return set()
    with open(path) as f:
        return {(r["config"], r["data"], r["seed"]) for r in map(json.loads, f)}


def run(configs, datasets, seeds):
    done = done_keys()
    for config in configs:
        for data in datasets:
            for seed in seeds:
                if (config, data, seed) in done:
                    continue
                X, y_partial, y_true = dataset(data, seed)
                clf = SGANClassifier(random_state=seed, n_threads=1, **CONFIGS[config])
                start = time.perf_counter()
                clf.fit(X, y_partial)
                seconds = time.perf_counter() - start
                unlabeled = y_partial == -1
                accuracy = float(np.mean(clf.predict(X[unlabeled]) == y_true[unlabeled]))
                metrics = calibration_metrics(
                    np.searchsorted(clf.classes_, y_true[unlabeled]),
                    clf.predict_proba(X[unlabeled]),
                )
                steps = clf.net_.steps_per_epoch * len(clf.net_.history)
                row = {
                    "config": config,
                    "params": CONFIGS[config],
                    "data": data,
                    "seed": seed,
                    "validation_accuracy": accuracy,
                    **{k: metrics[k] for k in ("ece", "log_loss", "share_above_0.99")},
                    "steps": steps,
                    "fit_s": seconds,
                    "sgan_sklearn": sgan_sklearn.__version__,
                }
                with open(OUT, "a") as f:
                    f.write(json.dumps(row) + "\n")
                print(
                    f"{config:18s} {data:10s} seed {seed}  acc {accuracy:.4f}"
                    f"  steps {steps}  {seconds:5.1f}s",
                    flush=True,
                )


def table(configs):
    with open(OUT) as f:
        rows = [json.loads(line) for line in f]
    print("| configuration | " + " | ".join(DATASETS) + " | mean of the first four |")
    print("|---|" + "---|" * (len(DATASETS) + 1))
    for config in configs:
        cells, means = [], []
        for data in DATASETS:
            mine = [r for r in rows if r["config"] == config and r["data"] == data]
            if not mine:
                cells.append("")
                continue
            acc = float(np.mean([r["validation_accuracy"] for r in mine]))
            if data in MEAN_OVER:
                means.append(acc)
            cells.append(f"{acc:.3f} ({mine[0]['steps']} steps, n={len(mine)})")
        mean = f"{np.mean(means):.3f}" if len(means) == len(MEAN_OVER) else ""
        print(f"| {config} | " + " | ".join(cells) + f" | {mean} |")
    print("\n| configuration | data | accuracy | ECE | log loss | top p > 0.99 |")
    print("|---|---|---|---|---|---|")
    for config in configs:
        for data in DATASETS:
            mine = [r for r in rows if r["config"] == config and r["data"] == data and "ece" in r]
            if mine:
                acc, ece, ll, top = (
                    np.mean([r[k] for r in mine])
                    for k in ("validation_accuracy", "ece", "log_loss", "share_above_0.99")
                )
                print(f"| {config} | {data} | {acc:.3f} | {ece:.3f} | {ll:.3f} | {top:.1%} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", nargs="+", default=["defaults"], choices=sorted(CONFIGS))
    parser.add_argument("--data", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[10, 11, 12, 13, 14])
    parser.add_argument("--report", action="store_true", help="only print the table")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not args.report:
        run(args.configs, args.data, args.seeds)
    table(args.configs)


if __name__ == "__main__":
    main()
