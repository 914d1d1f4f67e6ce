"""Default fit on digits, this version against an earlier one, side by side.

Protocol of ``benchmarks/digits.py`` (``load_digits``, stratified 30% test split
per seed, 5 labels per class drawn from the 1,257 training rows, every other
training row -1). For every seed, the default ``SGANClassifier(random_state=seed)``
of this checkout and of an earlier commit (checked out with ``git worktree`` in a
temporary folder) are fitted one after the other, each in its own subprocess, so
that machine-load drift hits both; ``LabelSpreading(kernel="knn")`` is fitted on the
same split. Fit times are measured inside the subprocesses (imports excluded).

Run from the repository root::

    python -m benchmarks.digits_speed --baseline 0.1.0 --seeds 0 1 2 3 4 --threads 2

Writes ``benchmarks/results/digits_speed.json`` (``--out``) and prints a markdown table.
"""

import argparse
import json
import subprocess
import sys
import time

import numpy as np

from benchmarks._common import (
    REPO_ROOT,
    RESULTS_DIR,
    checkout_of,
    machine_description,
    write_json,
)

# Released versions by the commit they were cut from.
RELEASES = {"0.1.0": "7cf5f94"}

# Runs inside the subprocess, with the package of the checkout it is run from.
FIT_ONE = """
import json, sys, time
import numpy as np, torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
sys.path.insert(0, {repo!r})
from benchmarks._common import mnist_100_split
from sgan_sklearn import SGANClassifier
torch.set_num_threads({threads})
seed = {seed}
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=seed
)
y_partial = mnist_100_split(y_train, 5, seed)
model = SGANClassifier(random_state=seed)
start = time.perf_counter()
model.fit(X_train, y_partial)
fit_s = time.perf_counter() - start
print(json.dumps({{"accuracy": float(np.mean(model.predict(X_test) == y_test)), "fit_s": fit_s}}))
"""


def fit_in_subprocess(repo, seed, threads):
    code = FIT_ONE.format(repo=str(repo), seed=seed, threads=threads)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def label_spreading(seed):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.semi_supervised import LabelSpreading

    from benchmarks._common import mnist_100_split

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=seed
    )
    y_partial = mnist_100_split(y_train, 5, seed)
    start = time.perf_counter()
    model = LabelSpreading(kernel="knn", n_neighbors=10).fit(X_train, y_partial)
    fit_s = time.perf_counter() - start
    return {"accuracy": float(np.mean(model.predict(X_test) == y_test)), "fit_s": fit_s}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--baseline", default="0.1.0", help="release (or git commit) to compare with"
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default="digits_speed.json", help="file name in results/")
    args = parser.parse_args()
    rows = []
    with checkout_of(RELEASES.get(args.baseline, args.baseline)) as baseline:
        for seed in args.seeds:
            for version, repo in (("baseline", baseline), ("this version", REPO_ROOT)):
                result = fit_in_subprocess(repo, seed, args.threads)
                rows.append({"model": f"SGANClassifier() {version}", "seed": seed, **result})
                print(rows[-1], flush=True)
            rows.append({"model": "LabelSpreading(knn)", "seed": seed, **label_spreading(seed)})
            print(rows[-1], flush=True)
    write_json(
        {"rows": rows, "args": vars(args), "machine": machine_description()},
        RESULTS_DIR / args.out,
    )
    by_model = {}
    for row in rows:
        by_model.setdefault(row["model"], []).append(row)
    print("| model | mean accuracy | min-max | median fit (s) |")
    print("|---|---|---|---|")
    for model, results in by_model.items():
        acc = np.array([r["accuracy"] for r in results])
        fit = np.array([r["fit_s"] for r in results])
        print(
            f"| {model} | {acc.mean():.4f} | {acc.min():.4f}-{acc.max():.4f} "
            f"| {np.median(fit):.2f} |"
        )
    old = np.array([r["fit_s"] for r in by_model["SGANClassifier() baseline"]])
    new = np.array([r["fit_s"] for r in by_model["SGANClassifier() this version"]])
    print(f"median per-seed speed-up: {np.median(old / new):.2f}x")


if __name__ == "__main__":
    main()
