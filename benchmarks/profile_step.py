"""Profile one SGAN training step on MNIST-sized data.

Measures, side by side in one run:

* the cost of a step through skorch's loop (callbacks, history) against a bare
  loop calling the same ``train_step`` on the same batches;
* torch threads 1 vs 2 and the batch size;
* the floating-point work of a step (counted from the layer sizes) and the
  achieved GFLOP/s, against a float32 matrix-multiply peak measured in the same run.

Run from the repository root::

    python -m benchmarks.profile_step --steps 200 --repeats 5

Writes ``benchmarks/results/profile_step.json`` and prints markdown tables.
``--features 784 100`` profiles 784 and 100 input features side by side (MNIST
projected on 100 principal components, as in ``make_pipeline(PCA(100),
SGANClassifier())``) and writes ``profile_step_features_784_100.json``.
"""

import argparse
import time

import numpy as np
import torch

from benchmarks._common import (
    RESULTS_DIR,
    machine_description,
    matmul_peak_gflops,
    write_json,
)
from sgan_sklearn import SGANClassifier
from sgan_sklearn._net import GANBatches, SemiSupervisedData

N_FEATURES, N_CLASSES, N_ROWS, N_LABELED = 784, 10, 6000, 100


def step_flops(est, batch_size, n_features=N_FEATURES):
    """Multiply-add FLOPs of one discriminator + generator step (linear layers only)."""
    d = [n_features, *est.hidden_layer_sizes]
    d_layers = list(zip(d[:-1], d[1:])) + [(d[-1], N_CLASSES)]
    g = [est.latent_dim, *est.generator_layer_sizes, n_features]
    g_layers = list(zip(g[:-1], g[1:]))

    def mm(rows, layers):
        return sum(2 * rows * fan_in * fan_out for fan_in, fan_out in layers)

    labeled = min(batch_size, N_LABELED)
    d_rows = labeled + 2 * batch_size
    flops = mm(batch_size, g_layers)  # fakes for the D step (no grad)
    flops += 3 * mm(d_rows, d_layers)  # D forward + input and weight gradients
    flops += 3 * mm(batch_size, g_layers)  # G forward + backward
    flops += mm(batch_size, d_layers[:-1])  # real features, no grad
    flops += 2 * mm(batch_size, d_layers[:-1])  # fake features + input gradients only
    return flops


def prepared_net(batch_size, seed=0, n_features=N_FEATURES):
    rng = np.random.default_rng(seed)
    X = rng.random((N_ROWS, n_features), dtype=np.float32)
    y = np.full(N_ROWS, -1)
    y[:N_LABELED] = np.arange(N_LABELED) % N_CLASSES
    est = SGANClassifier(
        max_epochs=1, min_steps_per_epoch=1, batch_size=batch_size, random_state=seed
    ).fit(X[:1000], y[:1000])
    data = SemiSupervisedData(X, np.arange(N_LABELED), y[:N_LABELED])
    return est, data


def time_skorch_loop(net, data, steps):
    net.set_params(max_epochs=1)
    net.steps_per_epoch = steps
    start = time.perf_counter()
    net.partial_fit(data)
    return (time.perf_counter() - start) / steps


def time_bare_loop(net, data, steps):
    batches = list(
        GANBatches(
            data,
            net.batch_size,
            net.labeled_batch_size,
            steps,
            np.random.default_rng(0),
            "cpu",
        )
    )
    net.history.new_epoch()
    start = time.perf_counter()
    for batch in batches:
        net.history.new_batch()
        net.train_step(batch)
    return (time.perf_counter() - start) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--features",
        type=int,
        nargs="+",
        default=[N_FEATURES],
        help="input widths, profiled side by side",
    )
    args = parser.parse_args()
    rows = []
    for threads in (1, 2):
        peak = matmul_peak_gflops(threads)
        for batch_size in (50, 100, 200):
            torch.set_num_threads(threads)
            nets = {n: prepared_net(batch_size, n_features=n) for n in args.features}
            skorch_s = {n: [] for n in args.features}
            bare_s = {n: [] for n in args.features}
            for _ in range(args.repeats):
                # Alternate the loops (and the input widths) so that drift in
                # machine load hits all of them.
                for n, (est, data) in nets.items():
                    skorch_s[n].append(time_skorch_loop(est.net_, data, args.steps))
                    bare_s[n].append(time_bare_loop(est.net_, data, args.steps))
            for n, (est, _) in nets.items():
                flops = step_flops(est, batch_size, n)
                row = {
                    "features": n,
                    "threads": threads,
                    "batch_size": batch_size,
                    "matmul_peak_gflops": peak,
                    "step_gflop": flops / 1e9,
                    "skorch_ms": 1e3 * float(np.median(skorch_s[n])),
                    "bare_ms": 1e3 * float(np.median(bare_s[n])),
                }
                row["overhead_pct"] = 100 * (row["skorch_ms"] / row["bare_ms"] - 1)
                row["achieved_gflops"] = flops / 1e9 / (row["skorch_ms"] / 1e3)
                row["ms_per_1000_rows"] = row["skorch_ms"] / batch_size * 1000
                rows.append(row)
                print(row, flush=True)
    write_json(
        {"rows": rows, "machine": machine_description(), "args": vars(args)},
        RESULTS_DIR
        / (
            "profile_step.json"
            if args.features == [N_FEATURES]
            else "profile_step_features_" + "_".join(map(str, args.features)) + ".json"
        ),
    )
    print(
        "| features | threads | batch | step GFLOP | skorch loop (ms) | bare loop (ms) | overhead "
        "| ms per 1000 rows | achieved GFLOP/s | matmul peak GFLOP/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['features']} | {r['threads']} | {r['batch_size']} | {r['step_gflop']:.3f} "
            f"| {r['skorch_ms']:.1f} | {r['bare_ms']:.1f} | {r['overhead_pct']:+.1f}% "
            f"| {r['ms_per_1000_rows']:.0f} | {r['achieved_gflops']:.1f} "
            f"| {r['matmul_peak_gflops']:.0f} |"
        )


if __name__ == "__main__":
    main()
