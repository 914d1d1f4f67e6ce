"""MNIST-100 time to accuracy: the defaults of this version and of an earlier one,
with LabelSpreading fitted on the same labels in the same run.

For every seed, in this order: ``LabelSpreading(kernel="knn", n_neighbors=10)`` is
fitted and scored (its fit time is the clock to beat); then ``benchmarks/mnist_sgan.py``
fits the default ``SGANClassifier(random_state=seed)`` of this checkout and, in a
``git worktree`` of ``--baseline``, of the earlier version, each in its own process,
recording test accuracy after every epoch against training seconds. The earlier
version is run for ``--baseline-epochs``: its default learning rate is constant, so
a shorter fit is exactly the first epochs of its default 30-epoch fit.

Run from the repository root on an otherwise idle machine::

    python -m benchmarks.mnist_time_to_accuracy --seeds 0 1 2 --threads 2

Writes ``benchmarks/results/mnist_time_to_accuracy.json`` (after every fit, so a
run cut short keeps what it measured) and, with ``--report``, draws
``docs/mnist_time_to_accuracy.png`` and prints the table.
"""

import argparse
import json
import subprocess
import sys
import time

import numpy as np

from benchmarks._common import (
    DEFAULT_MNIST_PATH,
    REPO_ROOT,
    RESULTS_DIR,
    checkout_of,
    load_mnist_scaled,
    machine_description,
    mnist_100_split,
    write_json,
)

SUMMARY = RESULTS_DIR / "mnist_time_to_accuracy.json"
VERSIONS = ("this version", "baseline")


def label_spreading(data, seed):
    from sklearn.semi_supervised import LabelSpreading

    X_train, y_train, X_test, y_test = load_mnist_scaled(data)
    y_partial = mnist_100_split(y_train, 10, seed)
    start = time.perf_counter()
    model = LabelSpreading(kernel="knn", n_neighbors=10).fit(X_train, y_partial)
    fit_s = time.perf_counter() - start
    return {"accuracy": float(model.score(X_test, y_test)), "fit_s": fit_s}


def sgan_curve(repo, seed, threads, data, tag, epochs=None):
    command = [
        sys.executable,
        "-m",
        "benchmarks.mnist_sgan",
        "--seed",
        str(seed),
        "--threads",
        str(threads),
        "--data",
        str(data),
        "--tag",
        tag,
    ]
    if epochs is not None:
        command += ["--param", f"max_epochs={epochs}"]
    subprocess.run(command, cwd=repo, check=True)
    written = repo / "benchmarks" / "results" / f"mnist_sgan_{tag}_seed{seed}.json"
    result = json.loads(written.read_text())
    return {"curve": result["curve"], "train_seconds": result["train_seconds"]}


def run(args):
    summary = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {"seeds": {}}
    summary.update(args={k: str(v) for k, v in vars(args).items()}, machine=machine_description())
    with checkout_of(args.baseline) as baseline:
        for seed in args.seeds:
            entry = summary["seeds"].setdefault(str(seed), {})
            entry["LabelSpreading"] = label_spreading(args.data, seed)
            write_json(summary, SUMMARY)
            print(seed, "LabelSpreading", entry["LabelSpreading"], flush=True)
            entry["this version"] = sgan_curve(
                REPO_ROOT, seed, args.threads, args.data, "defaults"
            )
            write_json(summary, SUMMARY)
            entry["baseline"] = sgan_curve(
                baseline, seed, args.threads, args.data, "before", args.baseline_epochs
            )
            write_json(summary, SUMMARY)


def time_to_reach(curve, accuracy):
    """Training seconds at the first epoch whose test accuracy is at least ``accuracy``."""
    return next((c["seconds"] for c in curve if c["accuracy"] >= accuracy), None)


def report():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = json.loads(SUMMARY.read_text())
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {"this version": "tab:blue", "baseline": "tab:grey"}
    print(
        "| seed | LabelSpreading: accuracy, fit (s) | version | time to pass LabelSpreading (s) "
        "| ratio to its fit time | time to 0.985 (s) "
        "| last epoch: accuracy, s |"
    )
    print("|---|---|---|---|---|---|---|")
    for seed, entry in summary["seeds"].items():
        spreading = entry["LabelSpreading"]
        ax.plot(spreading["fit_s"] / 60, spreading["accuracy"], "kx")
        for version in VERSIONS:
            if version not in entry:
                continue
            curve = entry[version]["curve"]
            name = version if version == "this version" else "previous version"
            label = f"{name} ({len(curve)} epochs), seed {seed}"
            ax.plot(
                [c["seconds"] / 60 for c in curve],
                [c["accuracy"] for c in curve],
                color=colors[version],
                alpha=0.8,
                label=label,
            )
            passed = time_to_reach(curve, spreading["accuracy"])
            target = time_to_reach(curve, 0.985)
            print(
                f"| {seed} | {spreading['accuracy']:.4f}, {spreading['fit_s']:.0f} | {label} "
                f"| {passed:.0f} | {passed / spreading['fit_s']:.2f} "
                f"| {'not reached' if target is None else f'{target:.0f}'} "
                f"| {curve[-1]['accuracy']:.4f}, {curve[-1]['seconds']:.0f} |"
            )
    ax.plot([], [], "kx", label="LabelSpreading (fit time, accuracy)")
    ax.axvline(10, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("training time (minutes, 2-core CPU; scoring excluded)")
    ax.set_ylabel("MNIST test accuracy (100 labels)")
    ax.set_ylim(0.85, 1.0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(REPO_ROOT / "docs" / "mnist_time_to_accuracy.png", dpi=120)
    finals = {
        v: [e[v]["curve"][-1]["accuracy"] for e in summary["seeds"].values() if v in e]
        for v in VERSIONS
    }
    print({v: (np.mean(a) if a else None) for v, a in finals.items()})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default=DEFAULT_MNIST_PATH)
    parser.add_argument("--baseline", default="7cf5f94")
    parser.add_argument("--baseline-epochs", type=int, default=15)
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args()
    if args.report:
        report()
    else:
        run(args)


if __name__ == "__main__":
    main()
