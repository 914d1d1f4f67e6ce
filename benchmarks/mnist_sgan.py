"""SGANClassifier on MNIST-100: test accuracy against wall-clock time.

Protocol (shared with ``benchmarks/baselines_mnist.py`` through ``_common``): 10
labels per class drawn with the seed, the other 59,900 training rows given as -1,
test on the official 10,000 test images; pixels in [0, 1].

One ordinary ``fit`` runs, timed as a whole. A callback copies the averaged
discriminator weights (what ``predict`` uses) and the wall-clock time at the end
of every epoch; after the fit, each copy is loaded and scored on the test set, so
the curve shows what the same fit stopped at that epoch would give, and scoring
takes no training time. (Weights are copied, not scored, during the fit, so a
``learning_rate_schedule`` runs exactly as in a plain fit.)

Run from the repository root, one seed at a time on an otherwise idle machine::

    python -m benchmarks.mnist_sgan --seed 0 --threads 2
    python -m benchmarks.mnist_sgan --seed 0 --threads 2 --tag long --param max_epochs=150

``--pca K`` fits ``make_pipeline(PCA(K), SGANClassifier(...))`` instead: the
projection is fitted on all 60,000 training rows inside the timed ``fit`` (it uses
no labels), and the curve is scored through the pipeline. Pass
``--param input_scaling=None`` to keep the projection's pixel units::

    python -m benchmarks.mnist_sgan --seed 0 --tag pca100 --pca 100 --param input_scaling=None

``--live`` also scores the averaged discriminator at the end of every epoch and
prints the accuracy (scoring time kept out of the clock), so that a run cut short,
e.g. on a lent GPU with ``--param device='"cuda"'``, still leaves its curve in the log.

Each run writes ``benchmarks/results/mnist_sgan_<tag>_seed<k>.json``;
``python -m benchmarks.mnist_sgan --report`` turns all of them into
``docs/mnist_accuracy_vs_time.png`` and a table on stdout.
"""

import argparse
import ast
import copy
import json
import time

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from benchmarks._common import (
    DEFAULT_MNIST_PATH,
    REPO_ROOT,
    RESULTS_DIR,
    load_mnist_scaled,
    machine_description,
    matmul_peak_gflops,
    mnist_100_split,
    write_json,
)
from sgan_sklearn import SGANClassifier


class AveragedWeightsRecorder(Callback):
    """Keep the averaged discriminator's weights and the time after every epoch.

    With ``live`` (a callable returning the test accuracy of the estimator being
    fitted) the averaged discriminator is also scored at the end of every epoch
    and the accuracy printed, so a run cut short still
    leaves its curve in the log; the scoring time is kept out of the timestamps
    (``excluded_seconds``). Scoring draws no random numbers, so it does not
    change the fit.
    """

    def __init__(self, live=None):
        self.live = live

    def initialize(self):
        self.states, self.times, self.excluded_seconds = [], [], 0.0
        return self

    def on_epoch_end(self, net, **kwargs):
        if torch.device(net.device).type == "cuda":
            torch.cuda.synchronize()
        now = time.perf_counter()
        self.times.append(now - self.excluded_seconds)
        self.states.append(copy.deepcopy(net.average_module_.state_dict()))
        if self.live is not None:
            accuracy = self.live()
            print(
                f"live epoch {len(self.times):3d}  test acc {accuracy:.4f}",
                flush=True,
            )
            self.excluded_seconds += time.perf_counter() - now


def parse_params(pairs):
    params = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        params[key] = ast.literal_eval(value)
    return params


def run(args):
    torch.set_num_threads(args.threads)
    matmul_gflops = matmul_peak_gflops(args.threads)
    X_train, y_train, X_test, y_test = load_mnist_scaled(args.data)
    y_partial = mnist_100_split(y_train, 10, args.seed)
    params = parse_params(args.param)
    # The estimator clones its callbacks; a function is not copied, so the
    # clone's ``live`` still scores this estimator.
    recorder = AveragedWeightsRecorder(
        live=(lambda: float(model.score(X_test, y_test))) if args.live else None
    )
    sgan = SGANClassifier(random_state=args.seed, callbacks=[("record", recorder)], **params)
    model = sgan
    if args.pca:
        model = make_pipeline(PCA(args.pca, random_state=args.seed), sgan)
    start = time.perf_counter()
    model.fit(X_train, y_partial)
    recorder = dict(sgan.net_.callbacks_)["record"]
    seconds = time.perf_counter() - start - recorder.excluded_seconds
    final_accuracy = float(model.score(X_test, y_test))
    curve = []
    for epoch, (state, stamp) in enumerate(zip(recorder.states, recorder.times), start=1):
        sgan.net_.average_module_.load_state_dict(state)
        accuracy = float(model.score(X_test, y_test))
        curve.append({"epoch": epoch, "seconds": stamp - start, "accuracy": accuracy})
        print(f"epoch {epoch:3d}  {stamp - start:7.1f}s  test acc {accuracy:.4f}", flush=True)
    history = sgan.history_
    result = {
        "tag": args.tag,
        "seed": args.seed,
        "threads": args.threads,
        "params": {**params, "max_epochs": sgan.max_epochs},
        "pca_components": args.pca,
        "train_seconds": seconds,
        "test_accuracy": final_accuracy,
        "curve": curve,
        "losses": {
            key: history[:, key]
            for key in (
                "supervised_loss",
                "unsupervised_loss",
                "generator_loss",
                "generator_steps",
            )
        },
        "machine": machine_description(),
        # Machine speed at the start of the run (float32 1024^3 matmul, same threads).
        "matmul_gflops": matmul_gflops,
        "note": args.note,
    }
    write_json(result, RESULTS_DIR / f"mnist_sgan_{args.tag}_seed{args.seed}.json")
    # 25 generated digits of the final model, in pixel units, for the docs' picture.
    samples = sgan.sample(25, random_state=0).astype(np.float32)
    np.save(RESULTS_DIR / f"mnist_sgan_{args.tag}_seed{args.seed}_samples.npy", samples)
    print(f"final test accuracy {final_accuracy:.4f}; fit time {seconds:.0f}s")


def report(tags=None, out="mnist_accuracy_vs_time.png"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = sorted(RESULTS_DIR.glob("mnist_sgan_*.json"))
    if tags:  # named tags may also be probes
        paths += sorted((RESULTS_DIR / "probes").glob("mnist_sgan_*.json"))
    results = [json.loads(p.read_text()) for p in paths]
    if tags:
        results = [r for r in results if r["tag"] in tags]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for result in results:
        curve = result["curve"]
        ax.plot(
            [c["seconds"] / 60 for c in curve],
            [c["accuracy"] for c in curve],
            label=f"{result['tag']} seed {result['seed']}, {result['threads']} thread(s)",
            marker="o",
            markersize=3,
        )
    ax.axhline(0.9907, color="grey", linestyle="--", linewidth=1)
    ax.text(0, 0.9915, "Improved-GAN paper (0.9907)", fontsize=8, color="grey")
    ax.set_xlabel("training time (minutes, 2-core CPU; scoring excluded)")
    ax.set_ylabel("MNIST test accuracy (100 labels)")
    ax.set_ylim(0.65, 1.0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(REPO_ROOT / "docs" / out, dpi=120)
    draw_samples(results, out.replace(".png", "_samples.png"))
    print("| run | seed | threads | epochs | s per epoch | training time (s) | test accuracy |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        epochs = len(r["curve"])
        print(
            f"| {r['tag']} | {r['seed']} | {r['threads']} | {epochs} "
            f"| {r['train_seconds'] / epochs:.0f} | {r['train_seconds']:.0f} "
            f"| {r['test_accuracy']:.4f} |"
        )


def draw_samples(results, out):
    """Grids of the 25 generated digits saved with each run, one panel per run."""
    panels = []
    for r in results:
        path = RESULTS_DIR / f"mnist_sgan_{r['tag']}_seed{r['seed']}_samples.npy"
        if path.exists():
            panels.append((f"{r['tag']}, seed {r['seed']}", np.load(path)))
    draw_sample_panels(panels, out)


def draw_sample_panels(panels, out):
    """Draw each ``(title, 25 generated 28x28 digits)`` of ``panels`` as a 5x5 grid."""
    import matplotlib.pyplot as plt

    if not panels:
        return
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.4), squeeze=False)
    for ax, (title, samples) in zip(axes[0], panels):
        tiles = np.pad(samples.reshape(-1, 28, 28), ((0, 0), (0, 1), (0, 1)), constant_values=1)
        mosaic = tiles.reshape(5, 5, 29, 29).transpose(0, 2, 1, 3).reshape(145, 145)
        ax.imshow(mosaic[:-1, :-1], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(REPO_ROOT / "docs" / out, dpi=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default=DEFAULT_MNIST_PATH)
    parser.add_argument("--tag", default="defaults")
    parser.add_argument("--param", nargs="*", default=[], help="SGANClassifier params, key=value")
    parser.add_argument(
        "--live", action="store_true", help="also score and print the test accuracy every epoch"
    )
    parser.add_argument(
        "--pca",
        type=int,
        default=None,
        metavar="K",
        help="project onto K principal components first (a PCA + SGAN pipeline)",
    )
    parser.add_argument("--note", default="", help="conditions of the run, kept in the JSON")
    parser.add_argument("--report", action="store_true", help="plot and tabulate saved runs")
    parser.add_argument(
        "--tags", nargs="*", help="with --report: only these tags (results/ and results/probes/)"
    )
    parser.add_argument(
        "--out", default="mnist_accuracy_vs_time.png", help="with --report: picture in docs/"
    )
    args = parser.parse_args()
    if args.report:
        report(args.tags, args.out)
    else:
        run(args)


if __name__ == "__main__":
    main()
