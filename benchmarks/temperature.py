"""Choose ``label_smoothing="auto"`` and ``temperature="auto"`` on validation rows.

Two training losses are fitted on the same label draws (seeds 10-15; MNIST 10-11),
each with ``temperature=1`` so that the raw probabilities are recorded:

* ``smooth0``: ``label_smoothing=0``, the plain cross-entropy;
* ``smooth0.05``: ``label_smoothing=0.05``.

Data: training rows only, never test rows. Of each data set's unlabeled training rows,
a share is held out of the fit altogether (drawn with ``(seed, 77)``); the fit gets the
rest, labeled and unlabeled. Two sets of validation rows per fit:

* ``held_out``: the held-out rows, which the fit never saw, as test rows are never seen;
  the temperature is chosen on these;
* ``seen``: as many of the unlabeled rows the fit was given (what ``label_distributions_``
  describes). The discriminator is more confident on rows it trained on (its real-vs-fake
  loss raises their logits), so these call for a higher temperature than new rows.

Data sets:

* ``digits``, ``digits10``, ``digits20``, ``digits60``: the digits training part of
  ``benchmarks/validation.py`` (5 labels per class; 1 per class plus 0, 10 or 50 at
  random), 300 rows held out;
* ``digits340``: 340 random digits rows with 40 random labels; the held-out rows are 300
  other rows of the digits training part;
* ``letter``: the 16,000 Letter training rows with 10 labels per class
  (``mnist_100_split``), 4,000 rows held out;
* ``mnist``: MNIST-100's training rows, 10,000 rows held out.

For every fit, one JSON line in ``benchmarks/results/temperature.jsonl``: for each set of
validation rows, accuracy, the area under the ROC curve of the predictive entropy as a
score for "this row is predicted wrongly" (how well the entropy ranks rows for uncertainty
sampling), and ECE and log loss (``benchmarks/_calibration_metrics``) of
``softmax(logits / T)`` for every temperature ``T`` of ``TEMPERATURES`` (computed from
the probabilities, since ``softmax(log p / T) = softmax(logits / T)``). A temperature
never changes ``predict``.

Run from the repository root (one torch thread per process; a rerun skips fits already
recorded)::

    python -m benchmarks.temperature --data digits letter
    python -m benchmarks.temperature --data digits10 digits20 digits60 digits340
    python -m benchmarks.temperature --data mnist --seeds 10 11
    python -m benchmarks.temperature --report

With the neighbour term (the current defaults on these narrow inputs)::

    python -m benchmarks.temperature --data digits digits340 letter --configs smooth0 \
        --out benchmarks/results/temperature_neighbor_term.jsonl
    python -m benchmarks.temperature --data digits10 digits20 digits60 digits340 \
        --configs smooth0.05 --out benchmarks/results/temperature_neighbor_term.jsonl

Smoothing levels between the two, on the sets with a label or two in some class
(another CPU; see docs/speed.md)::

    python -m benchmarks.temperature --data digits10 digits20 digits60 digits340 \
        --configs smooth0 smooth0.01 smooth0.02 smooth0.05 \
        --out benchmarks/results/temperature_smoothing_levels.jsonl
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from scipy.special import log_softmax, softmax
from sklearn.metrics import roc_auc_score

from benchmarks._calibration_metrics import expected_calibration_error, reliability_bins
from benchmarks._common import (
    DEFAULT_MNIST_PATH,
    RESULTS_DIR,
    load_mnist_scaled,
    mnist_100_split,
)
from benchmarks.letter import DEFAULT_LETTER_PATH, letter_train_test
from benchmarks.validation import dataset, done_keys
from sgan_sklearn import SGANClassifier
from sgan_sklearn._auto import SMOOTHING_FREE_TEMPERATURE

OUT = RESULTS_DIR / "temperature.jsonl"
CONFIGS = {"smooth0": 0.0, "smooth0.05": 0.05, "smooth0.01": 0.01, "smooth0.02": 0.02}
TEMPERATURES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0)
DATASETS = ("digits", "digits10", "digits20", "digits60", "digits340", "letter", "mnist")
HELD_OUT = {"letter": 4_000, "mnist": 10_000}  # 300 for the digits sets


def validation_data(name, seed, letter_path=DEFAULT_LETTER_PATH, mnist_path=DEFAULT_MNIST_PATH):
    """``(X_fit, y_partial, X_seen, y_seen, X_held_out, y_held_out)`` of one label draw."""
    if name == "letter":
        X, y, _, _ = letter_train_test(letter_path)
        y_partial = mnist_100_split(y, 10, seed)
    elif name == "mnist":
        X, y, _, _ = load_mnist_scaled(mnist_path)
        y_partial = mnist_100_split(y, 10, seed)
    elif name == "digits340":
        X, y_partial, y = dataset(name, seed)
        # Other rows of the digits training part: digits340 draws from it.
        X_all, y_all = dataset("digits", seed)[0::2]
        others = np.flatnonzero(~(X_all[:, None, :] == X[None, :, :]).all(-1).any(-1))
        held = np.random.default_rng((seed, 77)).choice(others, 300, replace=False)
        seen = np.random.default_rng((seed, 78)).permutation(np.flatnonzero(y_partial == -1))
        return X, y_partial, X[seen], y[seen], X_all[held], y_all[held]
    else:
        X, y_partial, y = dataset(name, seed)
    rng = np.random.default_rng((seed, 77))
    unlabeled = np.flatnonzero(y_partial == -1)
    held = rng.choice(unlabeled, HELD_OUT.get(name, 300), replace=False)
    fit_rows = np.setdiff1d(np.arange(len(y)), held)
    seen = rng.choice(np.setdiff1d(unlabeled, held), len(held), replace=False)
    return X[fit_rows], y_partial[fit_rows], X[seen], y[seen], X[held], y[held]


def entropy(proba):
    p = np.clip(proba, 1e-300, 1.0)
    return -(p * np.log(p)).sum(axis=1)


def tempered_metrics(y_index, proba):
    """ECE and log loss of ``softmax(log(proba) / T)`` for every ``T`` of ``TEMPERATURES``."""
    log_p = np.log(np.clip(proba, 1e-300, None))
    rows = np.arange(len(y_index))
    out = {}
    for t in TEMPERATURES:
        tempered = softmax(log_p / t, axis=1)
        out[str(t)] = {
            "ece": expected_calibration_error(*reliability_bins(y_index, tempered)),
            "log_loss": float(-np.mean(log_softmax(log_p / t, axis=1)[rows, y_index])),
        }
    return out


def scores(y_index, proba):
    """Accuracy, entropy AUROC of the errors and the tempered metrics of one row set."""
    wrong = proba.argmax(axis=1) != y_index
    return {
        "n_rows": int(len(y_index)),
        "accuracy": float(np.mean(~wrong)),
        "entropy_auroc_of_errors": float(roc_auc_score(wrong, entropy(proba))),
        "temperatures": tempered_metrics(y_index, proba),
    }


def run(datasets, seeds, configs, out=OUT):
    done = done_keys(out)
    for data in datasets:
        for seed in seeds:
            for config in configs:
                if (config, data, seed) in done:
                    continue
                X, y_partial, X_seen, y_seen, X_held, y_held = validation_data(data, seed)
                clf = SGANClassifier(
                    label_smoothing=CONFIGS[config],
                    temperature=1.0,
                    random_state=seed,
                    n_threads=1,
                )
                start = time.perf_counter()
                clf.fit(X, y_partial)
                seconds = time.perf_counter() - start
                codes = np.searchsorted(clf.classes_, y_partial[y_partial != -1])
                row = {
                    "config": config,
                    "label_smoothing": CONFIGS[config],
                    "data": data,
                    "seed": seed,
                    "fewest_labels": int(np.bincount(codes).min()),
                    "n_labels": int(len(codes)),
                    "held_out": scores(
                        np.searchsorted(clf.classes_, y_held), clf.predict_proba(X_held)
                    ),
                    "seen": scores(
                        np.searchsorted(clf.classes_, y_seen), clf.predict_proba(X_seen)
                    ),
                    "steps": int(clf.net_.steps_per_epoch * len(clf.net_.history)),
                    "fit_s": float(seconds),
                }
                with open(out, "a") as f:
                    f.write(json.dumps(row) + "\n")
                print(
                    f"{data:9s} {config:10s} seed {seed}  held-out accuracy "
                    f"{row['held_out']['accuracy']:.4f}  {seconds:5.0f}s",
                    flush=True,
                )


def _mean(rows, rowset, key, t=None):
    if t is None:
        return float(np.mean([r[rowset][key] for r in rows]))
    return float(np.mean([r[rowset]["temperatures"][str(t)][key] for r in rows]))


def _best(rows, rowset):
    return min(TEMPERATURES, key=lambda t: _mean(rows, rowset, "log_loss", t))


def report(out=OUT):
    with open(out) as f:
        rows = [json.loads(line) for line in f]
    chosen = SMOOTHING_FREE_TEMPERATURE
    print(
        "| data (fewest labels) | loss | n | accuracy | entropy AUROC of errors "
        "| ECE, log loss at T=1 | lowest log loss at T: held out (seen) "
        f"| ECE, log loss at T={chosen:g} |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for data in DATASETS:
        for config in CONFIGS:
            mine = [r for r in rows if r["data"] == data and r["config"] == config]
            if not mine:
                continue
            fewest = np.mean([r["fewest_labels"] for r in mine])
            print(
                f"| {data} ({fewest:.1f}) | {config} | {len(mine)} "
                f"| {_mean(mine, 'held_out', 'accuracy'):.3f} "
                f"| {_mean(mine, 'held_out', 'entropy_auroc_of_errors'):.3f} "
                f"| {_mean(mine, 'held_out', 'ece', 1.0):.3f}, "
                f"{_mean(mine, 'held_out', 'log_loss', 1.0):.3f} "
                f"| {_best(mine, 'held_out'):g} ({_best(mine, 'seen'):g}) "
                f"| {_mean(mine, 'held_out', 'ece', chosen):.3f}, "
                f"{_mean(mine, 'held_out', 'log_loss', chosen):.3f} |"
            )
    # label_smoothing="auto" trains without smoothing where every class has at least
    # 5 labels: the temperature for "auto" is the one with the lowest mean held-out
    # calibration error (ECE) over those data sets (each counted once, whatever its
    # number of draws); its mean log loss is printed beside it.
    plain = [r for r in rows if r["config"] == "smooth0"]
    present = [d for d in DATASETS if any(r["data"] == d for r in plain)]
    sets = {
        "at least 5 labels in every class": [
            d for d in present if all(r["fewest_labels"] >= 5 for r in plain if r["data"] == d)
        ],
        "all": present,
    }
    for key, title in (("ece", "calibration error (ECE)"), ("log_loss", "log loss")):
        print(f"\nMean {title} on the held-out rows without label smoothing, per temperature:")
        print("| data sets | " + " | ".join(f"T={t:g}" for t in TEMPERATURES) + " |")
        print("|---|" + "---|" * len(TEMPERATURES))
        for label, names in sets.items():
            cells = []
            for t in TEMPERATURES:
                per_set = [
                    _mean([r for r in plain if r["data"] == d], "held_out", key, t) for d in names
                ]
                cells.append(f"{np.mean(per_set):.3f}")
            print(f"| {label} ({', '.join(names)}) | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", nargs="+", default=list(DATASETS[:5]), choices=DATASETS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[10, 11, 12, 13, 14, 15])
    parser.add_argument(
        "--configs", nargs="+", default=["smooth0", "smooth0.05"], choices=list(CONFIGS)
    )
    parser.add_argument("--out", type=Path, default=OUT, help="JSON-lines results file")
    parser.add_argument("--report", action="store_true", help="only print the tables")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not args.report:
        run(args.data, args.seeds, args.configs, args.out)
    report(args.out)


if __name__ == "__main__":
    main()
