"""MNIST-100 over the Improved-GAN budget: 300 epochs, accuracy after every epoch.

Protocol (shared with ``benchmarks/mnist_sgan.py`` through ``_common``): 10 labels
per class drawn with the seed, the other 59,900 training rows given as -1, test on
the official 10,000 test images; pixels in [0, 1].

A fixed configuration (``CONFIGURATIONS``, all of it constructor parameters) is
trained for its whole budget; nothing is chosen on the test images. After every
epoch the averaged discriminator (what ``predict`` uses) is scored on

* ``validation``: 10,000 of the unlabeled training rows, drawn with the seed (rows
  the fit sees without their labels, as in ``benchmarks/validation.py``), the
  split on which any choice between configurations is made;
* ``test``: the official test images, reported only.

and one line is appended to ``benchmarks/results/mnist_ceiling_<tag>_seed<S>.jsonl``
as it comes, so a run cut short keeps its curve. The fit runs in chunks of
``--chunk`` epochs with ``warm_start=True`` (optimizer state, weight average and
learning rate carry over; a ``linear_decay`` schedule is given
``train__schedule_epochs=--epochs``, so it runs over all chunks as over one fit; the
chunks train as one long fit would, with other random draws), and after every
chunk the model is written with ``SGANClassifier.save`` to
``benchmarks/results/checkpoints/``. Rerunning the same command continues from
the last checkpoint; the epochs after it are dropped from the curve and
retrained. ``--chunk 0``: one fit of all epochs, no checkpoint (a cut run keeps
its curve, not its model). ``--from-epochs 150 --epochs 300`` starts a 300-epoch
run from the finished 150-epoch run of the same configuration and seed, for a
constant learning rate only (where the shorter fit is the start of the longer
one). Scoring time is kept out of the recorded training time.

Run from the repository root, one seed at a time on an otherwise idle machine
(a 300-epoch fit of ``improved_gan`` is about 1.25 h on 2 idle CPU cores)::

    python -m benchmarks.mnist_ceiling --seed 0 --threads 2
    python -m benchmarks.mnist_ceiling --seed 0 --threads 2 --tag large_data
    python -m benchmarks.mnist_ceiling --report

``--report`` draws ``docs/mnist_ceiling.png`` (accuracy against epoch for every
run) and prints the table of docs/benchmarks.md.
"""

import argparse
import json
import pickle
import shutil
import time

import numpy as np
import torch
from skorch.callbacks import Callback

import sgan_sklearn
from benchmarks._common import (
    DEFAULT_MNIST_PATH,
    REPO_ROOT,
    RESULTS_DIR,
    load_mnist_scaled,
    machine_description,
    matmul_peak_gflops,
    mnist_100_split,
)
from benchmarks._script_discriminator import (
    ScriptFeatureMatchingDiscriminator,
    ScriptInitDiscriminator,
)
from benchmarks._script_generator import ScriptGenerator
from benchmarks.improved_gan_port import script_labels
from benchmarks.mnist_sgan import draw_sample_panels
from sgan_sklearn import SGANClassifier

# Fixed before any run. "improved_gan" follows the Improved-GAN MNIST script
# (openai/improved-gan, train_mnist_feature_matching.py) where the estimator has
# the setting: its discriminator widths, batch 100 (600 steps per epoch), a
# constant learning rate of 0.003 for 300 epochs, weight average decay 0.9999, no
# label smoothing, pixels kept in [0, 1]. The generator keeps the 250-250 widths
# (the script's 500-500 generator lost the game in one of three 50-epoch fits
# here, docs/benchmarks.md "Routes tried") and starts at the data mean, as in
# the large-data settings of the user guide.
IMPROVED_GAN = dict(
    hidden_layer_sizes=(1000, 500, 250, 250, 250),
    batch_size=100,
    learning_rate=0.003,
    generator_optimizer__lr=0.003,
    learning_rate_schedule="constant",
    averaging_decay=0.9999,
    label_smoothing=0.0,
    input_scaling="minmax",
    train__generator_start="data_mean",
)
# The user guide's large-data settings (docs/benchmarks.md: 1.19% after 200
# epochs) over the paper's 300 epochs, the decay spanning the chunks.
LARGE_DATA = dict(
    batch_size=200,
    learning_rate_schedule="linear_decay",
    input_scaling="minmax",
    train__generator_start="data_mean",
)
# The optimiser of the Bad GAN code's feature-matching part (kimiyoung/ssl_bad_gan,
# mnist_trainer.py): generator Adam betas (0, 0.9999) and learning rate 0.001,
# discriminator betas (0.5, 0.9999), rates constant for two thirds of the epochs,
# then linearly to 0.
BAD_GAN_OPTIMIZER = dict(
    learning_rate_schedule="linear_decay",
    train__decay_start=2 / 3,
    generator_optimizer__lr=0.001,
    optimizer__betas=(0.5, 0.9999),
    generator_optimizer__betas=(0.0, 0.9999),
)
# "noisy_init": the discriminator initialised under its training noise, as the
# script does (it runs its data-dependent initialisation in train mode).
NOISY_INIT = dict(train__initialize_with_noise=True)
# The script's generator (benchmarks/_script_generator.py) in place of the
# estimator's, without catch-up steps, as the script trains it.
SCRIPT_GENERATOR = {
    **{k: v for k, v in IMPROVED_GAN.items() if k != "train__generator_start"},
    "generator": ScriptGenerator,
    "train__catch_up_steps": 0,
}
CONFIGURATIONS = {
    "improved_gan": IMPROVED_GAN,
    "improved_gan_noisy_init": {**IMPROVED_GAN, **NOISY_INIT},
    # The script's networks and batches with the Bad GAN optimiser, whose decay
    # lets a shorter budget end at a learning rate of 0.
    "improved_gan_bad_gan_optimizer": {**IMPROVED_GAN, **BAD_GAN_OPTIMIZER},
    "improved_gan_bad_gan_optimizer_noisy_init": {
        **IMPROVED_GAN,
        **BAD_GAN_OPTIMIZER,
        **NOISY_INIT,
    },
    "large_data": LARGE_DATA,
    "noisy_init": {**LARGE_DATA, **NOISY_INIT},
    "bad_gan_optimizer": {**LARGE_DATA, **BAD_GAN_OPTIMIZER},
    # The script's inputs (pixels in [0, 1] as they are, no per-pixel rescaling)
    # and its generator widths.
    "raw_pixels": {**LARGE_DATA, "input_scaling": None},
    "generator_500": {**LARGE_DATA, "generator_layer_sizes": (500, 500)},
    # The arithmetic of the training step, named rather than left to "auto" (which
    # multiplies in bfloat16 on CPUs with bfloat16 instructions), run side by side on
    # one machine: does the reduced precision raise the error floor?
    "large_data_float32": {**LARGE_DATA, "precision": "float32"},
    "large_data_bfloat16": {**LARGE_DATA, "precision": "bfloat16"},
    # The scripts' batch of 100 rows: twice the steps of the large-data settings per
    # epoch (the Improved-GAN budget is 180,000 steps of 100, the large-data settings'
    # 300 epochs 90,000 of 200).
    "large_data_batch100": {**LARGE_DATA, "batch_size": 100},
    # Without the catch-up generator steps (extra generator steps while the
    # discriminator's unsupervised loss is low), which the script does not have.
    "improved_gan_no_catch_up": {**IMPROVED_GAN, "train__catch_up_steps": 0},
    "large_data_no_catch_up": {**LARGE_DATA, "train__catch_up_steps": 0},
    # The script's generator (benchmarks/_script_generator.py) in place of the
    # estimator's, without catch-up steps, as the script trains it: one piece of the
    # control (benchmarks/improved_gan_port.py) put into the estimator, against
    # "improved_gan_no_catch_up". A network of one's own trains in float32.
    "improved_gan_script_generator": SCRIPT_GENERATOR,
    # Every piece of the control the estimator can express: the script's generator,
    # no catch-up, the discriminator initialised under its training noise, the
    # pixels as they are (no per-pixel min-max stretch) and the script's input noise
    # of 0.3 ("auto" reads the pixels' spacing and gives about 0.13 on them).
    "improved_gan_script_pieces": {
        **SCRIPT_GENERATOR,
        "train__initialize_with_noise": True,
        "input_scaling": None,
        "input_noise": 0.3,
    },
}
# The same with the input noise the spacing rule of input_noise="auto" gave these
# pixels before images were exempted from it (0.13).
PIECES = CONFIGURATIONS["improved_gan_script_pieces"]
CONFIGURATIONS["improved_gan_script_pieces_noise_0.13"] = {**PIECES, "input_noise": 0.13}
# The first catch-up pairs and script-generator run trained at that noise (the rule
# gave 0.130-0.131 with the draws of each seed): their files carry these names.
for _tag in (
    "improved_gan",
    "improved_gan_no_catch_up",
    "large_data",
    "large_data_no_catch_up",
    "improved_gan_script_generator",
):
    CONFIGURATIONS[f"{_tag}_noise_0.13"] = {**CONFIGURATIONS[_tag], "input_noise": 0.13}
# The bisection: the script's pieces with one of them put back to the estimator's.
# The estimator's generator (250-250, started at the data mean), in float32 as the
# script's generator trains, so that only the network differs.
CONFIGURATIONS["improved_gan_script_pieces_estimator_generator"] = {
    **{key: value for key, value in PIECES.items() if key != "generator"},
    "train__generator_start": "data_mean",
    "precision": "float32",
}
# The same in bfloat16 multiplies where the CPU has them ("auto", what the
# estimator's configurations above train in; a network of one's own trains in float32).
CONFIGURATIONS["improved_gan_script_pieces_estimator_generator_auto_precision"] = {
    **CONFIGURATIONS["improved_gan_script_pieces_estimator_generator"],
    "precision": "auto",
}
# The catch-up generator steps (the estimator's default: 2 extra steps while the
# real-vs-fake loss is under 0.05).
CONFIGURATIONS["improved_gan_script_pieces_catch_up"] = {**PIECES, "train__catch_up_steps": 2}
# Pixels stretched per pixel to [0, 1] (min-max), as the large-data settings do.
CONFIGURATIONS["improved_gan_script_pieces_minmax"] = {**PIECES, "input_scaling": "minmax"}
# The discriminator initialised without its training noise (the estimator's default).
CONFIGURATIONS["improved_gan_script_pieces_quiet_init"] = {
    **PIECES,
    "train__initialize_with_noise": False,
}
# The script's starting point for the discriminator (benchmarks/_script_discriminator.py:
# directions drawn N(0, 0.1), output logits of unit variance), the one difference
# from the port left at the start of a fit; the rest as the script's pieces.
CONFIGURATIONS["improved_gan_script_pieces_script_init"] = {
    **PIECES,
    "discriminator": ScriptInitDiscriminator,
    "discriminator__hidden_layer_sizes": PIECES["hidden_layer_sizes"],
    "discriminator__input_noise": PIECES["input_noise"],
    # The network initialises itself under the noise (a built-in networks' setting).
    "train__initialize_with_noise": False,
}
# That start with the script's feature matching (the mean squared difference of
# the last hidden layer's batch means, before its noise).
CONFIGURATIONS["improved_gan_script_pieces_script_fm"] = {
    **CONFIGURATIONS["improved_gan_script_pieces_script_init"],
    "discriminator": ScriptFeatureMatchingDiscriminator,
}
N_VALIDATION = 10_000
FULL_BUDGET = 300


class EpochScorer(Callback):
    """Score the averaged discriminator after every epoch and append the line to a file."""

    def __init__(self, score, path, start_epoch, start_seconds):
        self.score = score
        self.path = path
        self.start_epoch = start_epoch
        self.start_seconds = start_seconds

    def __getstate__(self):
        # A pickled checkpoint keeps the callback without its scoring closure,
        # which holds the data and cannot be pickled; the next chunk gets a new one.
        return {key: value for key, value in self.__dict__.items() if key != "score"}

    def initialize(self):
        self.fit_start = time.perf_counter()
        self.excluded = 0.0
        self.epochs = 0
        return self

    def on_epoch_end(self, net, **kwargs):
        now = time.perf_counter()
        self.epochs += 1
        row = {
            "epoch": self.start_epoch + self.epochs,
            "train_seconds": self.start_seconds + now - self.fit_start - self.excluded,
            **self.score(),
            **{
                key: float(net.history[-1, key])
                for key in (
                    "supervised_loss",
                    "unsupervised_loss",
                    "generator_loss",
                    # Above 1 where catch-up steps fired (their share of the epoch's steps).
                    "generator_steps",
                )
            },
        }
        with open(self.path, "a") as file:
            file.write(json.dumps(row) + "\n")
        print(
            f"epoch {row['epoch']:3d}  {row['train_seconds']:7.0f}s  "
            f"validation {row['validation']:.4f}  test {row['test']:.4f}",
            flush=True,
        )
        self.excluded += time.perf_counter() - now


def run_stem(tag, epochs, seed, label_draw="protocol"):
    """File stem of one run; budgets other than the paper's 300 epochs and the
    script's label draw are named."""
    budget = "" if epochs == FULL_BUDGET else f"_e{epochs}"
    draw = "" if label_draw == "protocol" else f"_{label_draw}_draw"
    return f"mnist_ceiling_{tag}{draw}{budget}_seed{seed}"


def script_draw(y_train, seed):
    """The Improved-GAN script's labels, as ``benchmarks/improved_gan_port.py`` draws them:
    one permutation of the training rows with the seed, the first 10 rows of each class."""
    _, labeled = script_labels(y_train, seed)
    y_partial = np.full_like(y_train, -1)
    y_partial[labeled] = y_train[labeled]
    return y_partial


def run_name(meta):
    """A run's configuration, with the label draw where it is the script's."""
    if meta.get("label_draw", "protocol") == "protocol":
        return meta["tag"]
    return f"{meta['tag']} ({meta['label_draw']}'s label draw)"


def read_curve(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def checkpoint_path(tag, stem):
    """Model file of a run; runs with a network of their own are pickled
    (model files hold no code)."""
    own_network = "generator" in CONFIGURATIONS[tag] or "discriminator" in CONFIGURATIONS[tag]
    return RESULTS_DIR / "checkpoints" / f"{stem}.{'pkl' if own_network else 'sgan'}"


def carry_over(tag, seed, from_epochs, epochs, label_draw="protocol"):
    """Start the ``epochs`` run of ``tag`` from the finished ``from_epochs`` run of it.

    Only for a constant learning rate, where the shorter fit is the first part of
    the longer one (with a decay the rate depends on the budget). The checkpoint,
    curve and description are copied under the longer run's name, with the carry
    recorded; the shorter run's files are kept.
    """
    if CONFIGURATIONS[tag].get("learning_rate_schedule", "auto") != "constant":
        raise SystemExit(f"{tag!r} does not train at a constant learning rate: no carry-over")
    source = run_stem(tag, from_epochs, seed, label_draw)
    target = run_stem(tag, epochs, seed, label_draw)
    if (RESULTS_DIR / f"{target}.jsonl").exists():
        raise SystemExit(f"{target}.jsonl exists: continue it without --from-epochs")
    curve = read_curve(RESULTS_DIR / f"{source}.jsonl")
    if not curve or curve[-1]["epoch"] != from_epochs:
        raise SystemExit(f"{source}.jsonl has not reached epoch {from_epochs}")
    shutil.copyfile(checkpoint_path(tag, source), checkpoint_path(tag, target))
    meta = json.loads((RESULTS_DIR / f"{source}.json").read_text())
    meta["carried_over_from"] = {"epochs": from_epochs, "file": f"{source}.jsonl"}
    (RESULTS_DIR / f"{target}.json").write_text(json.dumps(meta, indent=2) + "\n")
    (RESULTS_DIR / f"{target}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in curve))


def run(args):
    torch.set_num_threads(args.threads)
    if args.from_epochs:
        carry_over(args.tag, args.seed, args.from_epochs, args.epochs, args.label_draw)
    X_train, y_train, X_test, y_test = load_mnist_scaled(args.data)
    if args.label_draw == "script":
        y_partial = script_draw(y_train, args.seed)
    else:
        y_partial = mnist_100_split(y_train, 10, args.seed)
    unlabeled = np.flatnonzero(y_partial == -1)
    validation = np.random.default_rng(1000 + args.seed).choice(
        unlabeled, N_VALIDATION, replace=False
    )
    X_val, y_val = X_train[validation], y_train[validation]

    stem = run_stem(args.tag, args.epochs, args.seed, args.label_draw)
    curve_path = RESULTS_DIR / f"{stem}.jsonl"
    params = {**CONFIGURATIONS[args.tag], "n_threads": args.threads}
    checkpoint = checkpoint_path(args.tag, stem)
    own_network = checkpoint.suffix == ".pkl"
    meta_path = RESULTS_DIR / f"{stem}.json"
    if params.get("learning_rate_schedule") == "linear_decay":
        # One decay over all the epochs, however many chunks they are trained in.
        params["train__schedule_epochs"] = args.epochs
    chunk_size = args.chunk or args.epochs
    if checkpoint.exists():
        if own_network:
            with open(checkpoint, "rb") as file:
                model = pickle.load(file)
        else:
            model = sgan_sklearn.load(checkpoint)
        done = model.n_iter_
        print(f"continuing {checkpoint.name} after epoch {done}", flush=True)
    else:
        model = SGANClassifier(random_state=args.seed, **params)
        done = 0
    # Epochs after the checkpoint are retrained: drop them from the curve.
    curve = [row for row in read_curve(curve_path) if row["epoch"] <= done]
    curve_path.parent.mkdir(parents=True, exist_ok=True)
    curve_path.write_text("".join(json.dumps(row) + "\n" for row in curve))
    seconds = curve[-1]["train_seconds"] if curve else 0.0
    previous = json.loads(meta_path.read_text()) if done and meta_path.exists() else {}
    meta = {
        "tag": args.tag,
        "seed": args.seed,
        "label_draw": args.label_draw,
        "threads": args.threads,
        "epochs": args.epochs,
        "chunk": args.chunk,
        "params": {
            key: f"{value.__module__}.{value.__qualname__}" if isinstance(value, type) else value
            for key, value in params.items()
        },
        "sgan_sklearn": sgan_sklearn.__version__,
        "machine": machine_description(),
        # Machine speed at the start of the run (float32 1024^3 matmul, same threads).
        "matmul_gflops": matmul_peak_gflops(args.threads),
        "note": args.note,
    }
    if previous:
        # A continued run keeps the description of its start and records each restart.
        restart = {key: meta[key] for key in ("machine", "matmul_gflops", "note")}
        meta.update({key: previous[key] for key in ("machine", "matmul_gflops", "note")})
        meta["restarts"] = [*previous.get("restarts", []), {"after_epoch": done, **restart}]
        if "carried_over_from" in previous:
            meta["carried_over_from"] = previous["carried_over_from"]
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")

    def score():
        return {
            "validation": float(model.score(X_val, y_val)),
            "test": float(model.score(X_test, y_test)),
        }

    while done < args.epochs:
        chunk = min(chunk_size, args.epochs - done)
        scorer = EpochScorer(score, curve_path, done, seconds)
        model.set_params(
            max_epochs=chunk, warm_start=done > 0, callbacks=[("epoch_scorer", scorer)]
        )
        model.fit(X_train, y_partial)
        if model.termination_condition_ != "max_epochs":
            raise SystemExit(f"the fit stopped: {model.termination_condition_}")
        done = model.n_iter_
        seconds = read_curve(curve_path)[-1]["train_seconds"]
        model.set_params(callbacks=None)
        if args.chunk:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            if own_network:
                # Written aside and renamed, so a cut write leaves the last checkpoint.
                partial = checkpoint.with_suffix(".pkl.partial")
                with open(partial, "wb") as file:
                    pickle.dump(model, file)
                partial.replace(checkpoint)
            else:
                model.save(checkpoint)
    # 25 generated digits of the final model, in pixel units, for the docs' picture.
    samples = model.sample(25, random_state=0).astype(np.float32)
    np.save(RESULTS_DIR / f"{stem}_samples.npy", samples)
    final = read_curve(curve_path)[-1]
    print(f"final test accuracy {final['test']:.4f}; training time {final['train_seconds']:.0f}s")


def report(out="mnist_ceiling.png"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs, short = [], []
    for path in sorted(RESULTS_DIR.glob("mnist_ceiling_*_seed*.jsonl")):
        meta = json.loads(path.with_suffix(".json").read_text())
        if meta["tag"] not in CONFIGURATIONS:
            continue  # a run of settings this script does not define
        (runs if meta["epochs"] == FULL_BUDGET else short).append((meta, read_curve(path)))
    plot_curves(plt, runs, out)
    draw_samples(runs, out.replace(".png", "_samples.png"))
    if short:
        plot_curves(plt, short, out.replace(".png", "_short.png"))
    for title, group in (("300 epochs", runs), ("shorter budgets", short)):
        if group:
            print(f"\n{title}\n")
            print_table(group)
    if runs:
        print("\n300 epochs, finished runs by configuration\n")
        print_summary(runs)


def epochs_to_final(curve, margin=0.001):
    """First epoch from which the validation error never exceeds its final value by ``margin``."""
    final = 1 - curve[-1]["validation"]
    epoch = curve[-1]["epoch"]
    for row in reversed(curve):
        if 1 - row["validation"] > final + margin:
            break
        epoch = row["epoch"]
    return epoch


def print_summary(runs):
    """Mean errors over the seeds of each configuration whose runs finished.

    The configuration to choose is the one with the lowest mean validation
    error; the test errors are reported next to it, never chosen on.
    """
    finished = {}
    for meta, curve in sorted(runs, key=lambda run: run[0]["seed"]):
        if curve and curve[-1]["epoch"] == meta["epochs"]:
            finished.setdefault(run_name(meta), []).append((meta["seed"], curve))
    print(
        "| configuration | seeds | mean validation error | mean test error "
        "| test errors per seed | epoch from which validation error stays within 0.1 point "
        "of (or below) its final value | mean training time |"
    )
    print("|---|---|---|---|---|---|---|")
    mean_validation = {}
    for tag, seeded in sorted(finished.items()):
        lasts = [curve[-1] for _, curve in seeded]
        mean_validation[tag] = np.mean([1 - last["validation"] for last in lasts])
        test = np.mean([1 - last["test"] for last in lasts])
        errors = " / ".join(str(round(10_000 * (1 - last["test"]))) for last in lasts)
        needed = " / ".join(str(epochs_to_final(curve)) for _, curve in seeded)
        hours = np.mean([last["train_seconds"] for last in lasts]) / 3600
        seeds = ", ".join(str(seed) for seed, _ in seeded)
        print(
            f"| {tag} | {seeds} | {100 * mean_validation[tag]:.2f}% | {100 * test:.2f}% "
            f"| {errors} | {needed} | {hours:.2f} h |"
        )
    complete = [tag for tag, seeded in finished.items() if len(seeded) >= 3]
    if complete:
        best = min(complete, key=mean_validation.get)
        print(f"\nLowest mean validation error over 3 or more seeds: {best}")


def plot_curves(plt, runs, out):
    """Test error against epoch, one line per run, next to the paper's result."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for meta, curve in runs:
        budget = "" if meta["epochs"] == FULL_BUDGET else f" ({meta['epochs']} epochs)"
        ax.plot(
            [row["epoch"] for row in curve],
            [100 * (1 - row["test"]) for row in curve],
            label=f"{run_name(meta)}, seed {meta['seed']}{budget}",
            linewidth=1,
        )
    ax.axhline(0.93, color="grey", linestyle="--", linewidth=1)
    ax.text(1, 0.95, "Improved-GAN paper (0.93%)", fontsize=8, color="grey")
    ax.set_xlabel("epoch (one pass over the 60,000 training images)")
    ax.set_ylabel("MNIST test error, % (100 labels)")
    ax.set_ylim(0.5, 3.0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(REPO_ROOT / "docs" / out, dpi=120)


def print_table(runs):
    print(
        "| configuration | seed | epochs run | validation error | test error (errors) "
        "| best-validation epoch: test error | training time (threads) |"
    )
    print("|---|---|---|---|---|---|---|")
    for meta, curve in runs:
        last = curve[-1]
        best = max(curve, key=lambda row: row["validation"])
        print(
            f"| {run_name(meta)} | {meta['seed']} | {last['epoch']} of {meta['epochs']} "
            f"| {100 * (1 - last['validation']):.2f}% "
            f"| {100 * (1 - last['test']):.2f}% ({round(10_000 * (1 - last['test']))}) "
            f"| {best['epoch']}: {100 * (1 - best['test']):.2f}% "
            f"| {last['train_seconds'] / 3600:.2f} h ({meta['threads']}) |"
        )


def draw_samples(runs, out):
    """The 25 digits generated by each finished run, one panel per run."""
    panels = []
    for meta, _ in runs:
        draw = meta.get("label_draw", "protocol")
        stem = run_stem(meta["tag"], meta["epochs"], meta["seed"], draw)
        path = RESULTS_DIR / f"{stem}_samples.npy"
        if path.exists():
            panels.append((f"{run_name(meta)}, seed {meta['seed']}", np.load(path)))
    draw_sample_panels(panels, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tag", default="improved_gan", choices=sorted(CONFIGURATIONS))
    parser.add_argument("--epochs", type=int, default=FULL_BUDGET)
    parser.add_argument(
        "--chunk", type=int, default=10, help="epochs between checkpoints; 0: one fit, none"
    )
    parser.add_argument(
        "--from-epochs",
        type=int,
        default=0,
        help="start from the finished run of this shorter budget (constant learning rate only)",
    )
    parser.add_argument(
        "--label-draw",
        default="protocol",
        choices=["protocol", "script"],
        help="labeled rows: the benchmarks' draw, or the Improved-GAN script's (as the port's)",
    )
    parser.add_argument("--data", default=DEFAULT_MNIST_PATH)
    parser.add_argument("--note", default="", help="conditions of the run, kept in the JSON")
    parser.add_argument("--report", action="store_true", help="plot and tabulate saved runs")
    args = parser.parse_args()
    if args.report:
        report()
    else:
        run(args)


if __name__ == "__main__":
    main()
