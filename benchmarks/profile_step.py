"""Profile one SGAN training step against the machine's arithmetic floor.

Measures, side by side in one run, for each input width (784: MNIST, 64:
digits), torch thread count (1 and 2) and training precision (float32 and
bfloat16):

* the step through skorch's loop (callbacks, history) and through a bare loop
  calling the same ``train_step`` on the same batches: skorch's share of a step;
* the floating-point work of a step (counted from the layer sizes) and the
  arithmetic floor it sets at the float32 and the bfloat16 matrix-multiply
  peaks, both measured in the same run: ``step / floor`` says how far the step
  is from what the arithmetic costs on this machine;
* the share of the step spent in matrix multiplies (torch profiler, one
  profiled pass per configuration).

Run from the repository root::

    python -m benchmarks.profile_step --steps 200 --repeats 5

Writes ``benchmarks/results/profile_step.json`` and prints a markdown table.
"""

import argparse
import time

import numpy as np
import torch
from torch.profiler import ProfilerActivity, profile

from benchmarks._common import RESULTS_DIR, machine_description, matmul_peak_gflops, write_json
from sgan_sklearn import SGANClassifier
from sgan_sklearn._auto import N_NEIGHBORS, nearest_rows
from sgan_sklearn._net import GANBatches, SemiSupervisedData
from sgan_sklearn._precision import cpu_multiplies_bfloat16_natively

N_CLASSES, N_ROWS, N_LABELED = 10, 6000, 100
MATMUL_OPS = {"aten::mm", "aten::addmm", "aten::bmm", "aten::matmul", "aten::linear"}


def step_flops(est, batch_size, n_features):
    """Multiply-add FLOPs of one discriminator + generator step (linear layers only)."""
    d = [n_features, *est.hidden_layer_sizes_]
    d_layers = list(zip(d[:-1], d[1:])) + [(d[-1], N_CLASSES)]
    g = [est.net_.generator_.latent_dim, *est.generator_layer_sizes_, n_features]
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


def prepared_net(n_features, precision, batch_size=100, seed=0, **params):
    """A fitted estimator (its net ready to step) and MNIST-shaped training data."""
    rng = np.random.default_rng(seed)
    X = rng.random((N_ROWS, n_features), dtype=np.float32)
    y = np.full(N_ROWS, -1)
    y[:N_LABELED] = np.arange(N_LABELED) % N_CLASSES
    est = SGANClassifier(
        max_epochs=1,
        train__min_steps_per_epoch=1,
        batch_size=batch_size,
        precision=precision,
        train__catch_up_steps=0,  # every step does the same work
        random_state=seed,
        **params,
    ).fit(X[:1000], y[:1000])
    data = SemiSupervisedData(X, np.arange(N_LABELED), y[:N_LABELED])
    return est, data


def time_skorch_loop(net, data, steps):
    net.set_params(max_epochs=1)
    net.steps_per_epoch = steps
    start = time.perf_counter()
    net.partial_fit(data)
    return (time.perf_counter() - start) / steps


def _gan_batches(net, data, steps):
    """The training batches of ``net``, neighbours found as its fit finds them."""
    neighbors = nearest_rows(data.X, N_NEIGHBORS, net.seed) if net.neighbor_weight else None
    return GANBatches(
        data,
        net.batch_size,
        net.labeled_batch_size,
        steps,
        np.random.default_rng(0),
        "cpu",
        neighbors,
    )


def _batches(net, data, steps):
    return list(_gan_batches(net, data, steps))


def time_bare_loop(net, data, steps):
    # Batches are drawn inside the timed loop, as in skorch's, so that the
    # difference between the two loops is skorch's plumbing alone.
    batches = _gan_batches(net, data, steps)
    net.history.new_epoch()
    start = time.perf_counter()
    for batch in batches:
        net.history.new_batch()
        net.train_step(batch)
    return (time.perf_counter() - start) / steps


def matmul_share(net, data, steps):
    """Fraction of the step's CPU time spent in matrix multiplies (torch profiler)."""
    batches = _batches(net, data, steps)
    net.history.new_epoch()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for batch in batches:
            net.history.new_batch()
            net.train_step(batch)
    events = prof.key_averages()
    total = sum(e.self_cpu_time_total for e in events)
    matmul = sum(e.self_cpu_time_total for e in events if e.key in MATMUL_OPS)
    return matmul / total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--features", type=int, nargs="+", default=[784, 64])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", default="profile_step.json")
    args = parser.parse_args()
    precisions = ["float32", "bfloat16"]
    rows = []
    for threads in args.threads:
        torch.set_num_threads(threads)
        peaks = {p: matmul_peak_gflops(threads, dtype=p) for p in precisions}
        nets = {(n, p): prepared_net(n, p) for n in args.features for p in precisions}
        skorch_s = {key: [] for key in nets}
        bare_s = {key: [] for key in nets}
        for _ in range(args.repeats):
            # Alternate loops, widths and precisions so that drift in machine
            # load hits all of them.
            for key, (est, data) in nets.items():
                skorch_s[key].append(time_skorch_loop(est.net_, data, args.steps))
                bare_s[key].append(time_bare_loop(est.net_, data, args.steps))
        for (n, precision), (est, data) in nets.items():
            flops = step_flops(est, est.batch_size, n)
            skorch_ms = 1e3 * float(np.median(skorch_s[n, precision]))
            bare_ms = 1e3 * float(np.median(bare_s[n, precision]))
            floors = {p: flops / 1e6 / peaks[p] for p in precisions}
            fastest = min(floors.values())
            row = {
                "features": n,
                "threads": threads,
                "precision": precision,
                "peak_gflops_float32": peaks["float32"],
                "peak_gflops_bfloat16": peaks["bfloat16"],
                "step_gflop": flops / 1e9,
                "skorch_ms": skorch_ms,
                "bare_ms": bare_ms,
                "skorch_share_pct": 100 * (skorch_ms - bare_ms) / skorch_ms,
                "floor_ms_float32": floors["float32"],
                "floor_ms_bfloat16": floors["bfloat16"],
                "step_over_fastest_floor": skorch_ms / fastest,
                "matmul_share": matmul_share(est.net_, data, min(args.steps, 50)),
            }
            rows.append(row)
            print(row, flush=True)
    write_json(
        {
            "rows": rows,
            "machine": machine_description(),
            "native_bfloat16": cpu_multiplies_bfloat16_natively(),
            "args": vars(args),
        },
        RESULTS_DIR / args.out,
    )
    print(
        "| features | threads | precision | step GFLOP | step, skorch loop (ms) "
        "| bare loop (ms) | skorch share | floor fp32 / bf16 (ms) | step / fastest floor "
        "| matmul share | peak fp32 / bf16 (GFLOP/s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['features']} | {r['threads']} | {r['precision']} | {r['step_gflop']:.3f} "
            f"| {r['skorch_ms']:.1f} | {r['bare_ms']:.1f} | {r['skorch_share_pct']:+.1f}% "
            f"| {r['floor_ms_float32']:.1f} / {r['floor_ms_bfloat16']:.1f} "
            f"| {r['step_over_fastest_floor']:.1f}x | {100 * r['matmul_share']:.0f}% "
            f"| {r['peak_gflops_float32']:.0f} / {r['peak_gflops_bfloat16']:.0f} |"
        )


if __name__ == "__main__":
    main()
