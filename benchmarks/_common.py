"""Shared protocol and reporting helpers for the MNIST-100 benchmarks.

MNIST-100: ``n_per_class=10`` labels per class are drawn with a seed from the
60,000 training rows, the other rows are marked unlabeled (-1), and models are
scored on the official 10,000 test images. Pixels are scaled to [0, 1].
Every benchmark script imports the protocol from here so that their numbers are
comparable.
"""

import json
import os
import platform
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import sklearn

from benchmarks._datasets import load_mnist
from sgan_sklearn._labels import UNLABELED

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MNIST_PATH = REPO_ROOT.parent / "shared" / "data" / "mnist"
DEFAULT_ADULT_PATH = REPO_ROOT.parent / "shared" / "data" / "adult"
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def mnist_100_split(y_train, n_per_class, seed):
    """Keep ``n_per_class`` labels per class and mark every other row unlabeled.

    Parameters
    ----------
    y_train : array-like of shape (n_samples,)
        Fully labeled integer training targets.
    n_per_class : int
        Number of labels kept in each class, 10 for MNIST-100.
    seed : int
        Seed of the local generator that picks the labeled rows; the global
        NumPy state is not touched.

    Returns
    -------
    y_partial : ndarray of shape (n_samples,), dtype int64
        Copy of ``y_train`` with -1 on every row that was not drawn.
    """
    y_train = np.asarray(y_train, dtype=np.int64)
    rng = np.random.default_rng(seed)
    y_partial = np.full_like(y_train, UNLABELED)
    for label in np.unique(y_train):
        rows = np.flatnonzero(y_train == label)
        if rows.size < n_per_class:
            raise ValueError(
                f"Class {label} has {rows.size} rows in y_train, fewer than "
                f"n_per_class={n_per_class}; lower n_per_class."
            )
        drawn = rng.choice(rows, size=n_per_class, replace=False)
        y_partial[drawn] = label
    return y_partial


def load_mnist_scaled(path):
    """Return MNIST ``(X_train, y_train, X_test, y_test)`` with pixels in [0, 1]."""
    X_train, y_train, X_test, y_test = load_mnist(path, return_X_y=True)
    return X_train / np.float32(255), y_train, X_test / np.float32(255), y_test


def time_fit(model, X, y):
    """Fit ``model`` and return the wall-clock seconds the fit took."""
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def machine_description():
    """Return the software, CPU and GPU facts a result file records."""
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "torch": torch.__version__,
        "gpu": gpu,
    }


def matmul_peak_gflops(threads, size=1024, repeats=20, dtype="float32"):
    """``torch.mm`` GFLOP/s of a ``size``-square product in ``dtype`` with ``threads`` threads.

    A speed fingerprint of the machine at the time of a run: shared machines
    change speed from day to day, so wall-clock results carry it. With
    ``dtype="bfloat16"`` it shows what the CPU's bfloat16 instructions (where
    it has them) give.
    """
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        dtype = getattr(torch, dtype)
        a, b = torch.randn(size, size).to(dtype), torch.randn(size, size).to(dtype)
        torch.mm(a, b)
        start = time.perf_counter()
        for _ in range(repeats):
            torch.mm(a, b)
        return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9
    finally:
        torch.set_num_threads(previous)


def write_json(payload, file):
    """Write ``payload`` as indented JSON, creating the parent folder."""
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(payload, indent=2) + "\n")


def open_results(path, settings):
    """The results file at ``path`` if it was written with ``settings``, else a new one.

    Lets a cut run be continued into the same file; a file of other settings is
    never mixed into.
    """
    settings = json.loads(json.dumps(settings))
    if path.exists():
        payload = json.loads(path.read_text())
        if payload["settings"] != settings:
            raise SystemExit(
                f"{path} holds results of other settings ({payload['settings']}) than "
                f"this run ({settings}); pass another --out or remove the file."
            )
        return payload
    return {"settings": settings, "machine": machine_description(), "results": []}


def record_result(payload, row, path, key):
    """Add ``row`` to ``payload``, replacing the row that agrees on the fields in ``key``,
    and write the file."""
    kept = [r for r in payload["results"] if any(r[k] != row[k] for k in key)]
    payload["results"] = [*kept, row]
    write_json(payload, path)


def markdown_table(results):
    """Return a markdown table of medians and min-max over seeds per method.

    Parameters
    ----------
    results : list of dict
        One dict per fit with keys ``method``, ``seed``, ``accuracy`` and
        ``fit_time_s``, in the order the methods should appear.

    Returns
    -------
    table : str
        Markdown table with one row per method.
    """
    methods = list(dict.fromkeys(result["method"] for result in results))
    lines = [
        "| Method | Seeds | Accuracy, median | Accuracy, min-max "
        "| Fit time (s), median | Fit time (s), min-max |",
        "|---|---|---|---|---|---|",
    ]
    for method in methods:
        rows = [result for result in results if result["method"] == method]
        accuracy = np.array([row["accuracy"] for row in rows])
        fit_time = np.array([row["fit_time_s"] for row in rows])
        lines.append(
            f"| {method} | {len(rows)} "
            f"| {np.median(accuracy):.4f} | {accuracy.min():.4f}-{accuracy.max():.4f} "
            f"| {np.median(fit_time):.1f} | {fit_time.min():.1f}-{fit_time.max():.1f} |"
        )
    return "\n".join(lines)


@contextmanager
def checkout_of(commit):
    """A temporary ``git worktree`` of ``commit``: an earlier version to run beside this one."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "checkout"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(folder), commit],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
        )
        try:
            yield folder
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(folder)], cwd=REPO_ROOT, check=False
            )
