"""Peak memory of ``SGANClassifier.fit`` and ``predict_proba`` on large dense input.

Protocol: random float32 data with 50 features, 10 classes and 1,000 labeled
rows (the rest -1), default networks, ``batch_size=100``, ``max_epochs=1``,
one torch thread. Each size runs in a fresh child process, which reports the
resident set size (RSS) from ``/proc/self/status``: the baseline after
importing torch and a tiny warm-up fit, the RSS once the data exist, and the
peak RSS (``VmHWM``, reset before each phase through ``/proc/self/clear_refs``)
during ``fit`` and during ``predict_proba`` on all rows. Overheads are peaks
minus the RSS before the phase, in units of the input array's size.

Memory does not grow with the number of steps (every step allocates the same
batches), so training is cut after ``--max-steps`` steps by a callback that
interrupts the epoch, as a user's Ctrl-C would; the rest of ``fit`` (scaling,
snapshots, predicting ``transduction_`` on every row) runs in full.

Run from the repository root (Linux only)::

    python -m benchmarks.memory --rows 250000 500000 1000000

Writes ``benchmarks/results/memory.json`` and the "## Memory" section of
``docs/benchmarks.md``.
"""

import argparse
import json
import os
import pickle
import subprocess
import sys
import time
import warnings

import numpy as np
import torch
from skorch.callbacks import Callback

from benchmarks._common import REPO_ROOT, RESULTS_DIR, machine_description, write_json
from sgan_sklearn import SGANClassifier

MiB = 2**20
DOCS_FILE = REPO_ROOT / "docs" / "benchmarks.md"
SECTION = "## Memory"
# fit keeps one float32 scaled copy of X; more than this (plus the model) is waste.
FLAGGED_FIT_OVERHEAD = 2.0
# glibc raises its mmap threshold after large frees, so later large buffers come
# from the heap, where small long-lived blocks pin freed memory. A fixed
# threshold shows the memory the estimator actually uses.
ALLOCATORS = {
    "glibc default": {},
    "MALLOC_MMAP_THRESHOLD_=131072": {"MALLOC_MMAP_THRESHOLD_": "131072"},
}


class StopAfterSteps(Callback):
    """Interrupt the epoch after ``n_steps`` training steps, as Ctrl-C would."""

    def __init__(self, n_steps):
        self.n_steps = n_steps

    def on_batch_end(self, net, **kwargs):
        if len(net.history[-1]["batches"]) >= self.n_steps:
            raise KeyboardInterrupt


def _status_bytes(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} is not in /proc/self/status; this benchmark needs Linux.")


def _reset_peak():
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def _peak_during(action):
    """Run ``action``; return its result, the RSS before it and the peak RSS during it."""
    _reset_peak()
    before = _status_bytes("VmRSS")
    result = action()
    return result, before, _status_bytes("VmHWM")


def measure(n_rows, n_features, n_classes, n_labeled, batch_size, max_steps, seed=0):
    """Measure one size in this process; return a dict of byte counts and timings."""

    def make_model(**params):
        return SGANClassifier(
            max_epochs=1,
            batch_size=batch_size,
            train__min_steps_per_epoch=1,
            n_threads=1,
            random_state=seed,
            **params,
        )

    # Warm-up: torch allocates its runtime on first use; that belongs to the baseline.
    rng = np.random.default_rng(seed)
    warm_X = rng.standard_normal((200, n_features), dtype=np.float32)
    make_model().fit(warm_X, np.arange(200) % n_classes)
    baseline = _status_bytes("VmRSS")

    X = rng.standard_normal((n_rows, n_features), dtype=np.float32)
    y = np.full(n_rows, -1)
    y[:n_labeled] = np.arange(n_labeled) % n_classes
    model = make_model(callbacks=[StopAfterSteps(max_steps)])

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _, before_fit, peak_fit = _peak_during(lambda: model.fit(X, y))
    fit_s = time.perf_counter() - start
    steps = len(model.net_.history[-1]["batches"]) if model.n_iter_ else max_steps

    after_fit = _status_bytes("VmRSS")
    start = time.perf_counter()
    proba, before_predict, peak_predict = _peak_during(lambda: model.predict_proba(X))
    predict_s = time.perf_counter() - start
    model_bytes = sum(
        p.numel() * p.element_size()
        for module in (model.net_.module_, model.generator_)
        for p in module.parameters()
    )
    return {
        "rows": n_rows,
        "features": n_features,
        "input_bytes": X.nbytes,
        "model_parameter_bytes": model_bytes,
        "pickled_model_bytes": len(pickle.dumps(model)),
        "baseline_rss_bytes": baseline,
        "rss_with_data_bytes": before_fit,
        "fit_peak_rss_bytes": peak_fit,
        "rss_after_fit_bytes": after_fit,
        "predict_peak_rss_bytes": peak_predict,
        "fit_overhead_bytes": peak_fit - before_fit,
        "retained_after_fit_bytes": after_fit - before_fit,
        "predict_overhead_bytes": peak_predict - before_predict,
        "proba_bytes": proba.nbytes,
        "training_steps": steps,
        "steps_per_epoch": model.net_.steps_per_epoch,
        "fit_s": round(fit_s, 1),
        "predict_s": round(predict_s, 1),
        "torch": torch.__version__,
    }


def _run_child(args, n_rows, allocator):
    command = [
        sys.executable,
        "-m",
        "benchmarks.memory",
        "--child",
        "--rows",
        str(n_rows),
        "--max-steps",
        str(args.max_steps),
        "--batch-size",
        str(args.batch_size),
    ]
    env = {**os.environ, **ALLOCATORS[allocator]}
    done = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"child for {n_rows} rows failed:\n{done.stderr}")
    return {"allocator": allocator, **json.loads(done.stdout.strip().splitlines()[-1])}


def _ratio(result, key):
    return result[key] / result["input_bytes"]


def markdown_section(results, max_steps):
    lines = [
        SECTION,
        "",
        "`python -m benchmarks.memory` (protocol in its docstring): random float32 "
        "data, 50 features, 10 classes, 1,000 labeled rows, default networks, "
        f"`batch_size=100`, one epoch cut after {max_steps} training steps (memory does "
        "not grow with steps; scaling, snapshots and the prediction of `transduction_` "
        "on every row run in full), one torch thread, each measurement in a fresh "
        "process. Overheads are peak RSS minus the RSS just before the call, also as "
        "multiples of the input array's size. Each size runs with glibc's default "
        "malloc settings and with a fixed mmap threshold.",
        "",
        "| Rows | Input (MiB) | malloc | fit peak over data (MiB) | × input "
        "| Kept after fit (MiB) | predict_proba peak (MiB) | × input "
        "| Pickled model (MiB) | fit (s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['input_bytes'] / MiB:.0f} | {r['allocator']} "
            f"| {r['fit_overhead_bytes'] / MiB:.0f} | {_ratio(r, 'fit_overhead_bytes'):.2f} "
            f"| {r['retained_after_fit_bytes'] / MiB:.0f} "
            f"| {r['predict_overhead_bytes'] / MiB:.0f} "
            f"| {_ratio(r, 'predict_overhead_bytes'):.2f} "
            f"| {r['pickled_model_bytes'] / MiB:.1f} | {r['fit_s']:.0f} |"
        )
    flagged = [r for r in results if _ratio(r, "fit_overhead_bytes") > FLAGGED_FIT_OVERHEAD]
    lines += [
        "",
        "Expected: `fit` holds one float32 scaled copy of the input (1×), the model, "
        "and while predicting `transduction_` the float64 probabilities (10 classes: "
        "0.4×); `predict_proba` a scaled copy plus the probabilities.",
        "",
        (
            f"Flagged (fit above {FLAGGED_FIT_OVERHEAD:g}× input): "
            + "; ".join(f"{r['rows']:,} rows, {r['allocator']}" for r in flagged)
            + "."
            if flagged
            else f"No run exceeds {FLAGGED_FIT_OVERHEAD:g}× input for `fit`."
        ),
        "",
    ]
    return "\n".join(lines)


def write_docs_section(section):
    """Replace the Memory section of docs/benchmarks.md, or append it."""
    text = DOCS_FILE.read_text() if DOCS_FILE.exists() else "# Benchmarks\n"
    start = text.find(SECTION + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + ("" if end == -1 else text[end + 1 :])
    DOCS_FILE.write_text(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[250_000, 500_000, 1_000_000])
    parser.add_argument("--max-steps", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = dict(n_features=50, n_classes=10, n_labeled=1000)
    if args.child:
        result = measure(
            args.rows[0], **settings, batch_size=args.batch_size, max_steps=args.max_steps
        )
        print(json.dumps(result))
        return
    results = []
    for n_rows in args.rows:
        for allocator in ALLOCATORS:
            result = _run_child(args, n_rows, allocator)
            results.append(result)
            print(
                f"{n_rows:>9,} rows, {allocator}: "
                f"fit +{result['fit_overhead_bytes'] / MiB:.0f} MiB "
                f"({_ratio(result, 'fit_overhead_bytes'):.2f}x input), predict "
                f"+{result['predict_overhead_bytes'] / MiB:.0f} MiB, "
                f"{result['training_steps']} steps, fit {result['fit_s']} s",
                flush=True,
            )
    write_json(
        {
            "settings": {**settings, "batch_size": args.batch_size, "max_steps": args.max_steps},
            "machine": machine_description(),
            "results": results,
        },
        RESULTS_DIR / "memory.json",
    )
    write_docs_section(markdown_section(results, args.max_steps))


if __name__ == "__main__":
    main()
