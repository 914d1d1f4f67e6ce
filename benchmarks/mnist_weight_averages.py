"""MNIST-100: one fit, several averages of the discriminator's weights scored side by side.

The averages are never used in training, so one fit measures them all on the same
trajectory: the estimator's own exponential moving average (``averaging_decay``,
0.999 by default), an exponential average with decay 0.9999, and uniform averages of
the weights after every step from epoch ``START`` on (stochastic weight averaging,
one per ``--starts`` value). Each is scored on the 10,000 test images at the end of
every ``--every`` epochs (the estimator's own average at every epoch); scoring time is
kept out of the clock. Protocol as in ``benchmarks/mnist_sgan.py``.

Run from the repository root::

    python -m benchmarks.mnist_weight_averages --seed 0 --threads 1 --tag p8_const200_avg \\
        --starts 100 150 --every 10 --param n_threads=1 batch_size=200 max_epochs=200 \\
        input_scaling="'minmax'" train__generator_start="'data_mean'"

Writes ``benchmarks/results/probes/avg_<tag>_seed<k>.json``.
"""

import argparse
import json
import time

import torch
from skorch.callbacks import Callback

from benchmarks._common import (
    DEFAULT_MNIST_PATH,
    RESULTS_DIR,
    load_mnist_scaled,
    matmul_peak_gflops,
    mnist_100_split,
    write_json,
)
from benchmarks.mnist_sgan import parse_params
from sgan_sklearn import SGANClassifier


class WeightAverages(Callback):
    """Track extra averages of the discriminator's weights and score them.

    ``score`` is a callable returning the test accuracy of the estimator being fitted.
    """

    def __init__(self, starts, score, every):
        self.starts = starts
        self.score = score
        self.every = every

    def initialize(self):
        self.slow, self.uniform, self.counts, self.log = None, {}, {}, []
        self.start_time, self.excluded = time.perf_counter(), 0.0
        return self

    def on_batch_end(self, net, training=False, **kwargs):
        if not training:
            return
        params = [p.detach() for p in net.module_.parameters()]
        if self.slow is None:
            self.slow = [p.clone() for p in params]
        else:
            torch._foreach_lerp_(self.slow, params, 1e-4)
        epoch = len(net.history)
        for start in self.starts:
            if epoch <= start:
                continue
            if start not in self.uniform:
                self.uniform[start] = [p.clone() for p in params]
                self.counts[start] = 1
            else:
                self.counts[start] += 1
                torch._foreach_lerp_(self.uniform[start], params, 1.0 / self.counts[start])

    def _score_weights(self, net, weights):
        """Score ``weights`` through the estimator's own predict path, then put back
        the average that prediction uses (training never reads it)."""
        params = list(net.average_module_.module.parameters())
        saved = [p.clone() for p in params]
        torch._foreach_copy_(params, weights)
        try:
            return self.score()
        finally:
            torch._foreach_copy_(params, saved)

    def on_epoch_end(self, net, **kwargs):
        now = time.perf_counter()
        epoch = len(net.history)
        row = {
            "epoch": epoch,
            "seconds": now - self.start_time - self.excluded,
            "ema999": self.score(),
        }
        if epoch % self.every == 0 or epoch == net.max_epochs:
            row["ema9999"] = self._score_weights(net, self.slow)
            for start, weights in self.uniform.items():
                row[f"uniform_from_{start}"] = self._score_weights(net, weights)
        self.log.append(row)
        print(json.dumps(row), flush=True)
        self.excluded += time.perf_counter() - now


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", default=DEFAULT_MNIST_PATH)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--starts", type=int, nargs="*", default=[100, 150])
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--param", nargs="*", default=[], help="SGANClassifier params, key=value")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    gflops = matmul_peak_gflops(args.threads)
    X_train, y_train, X_test, y_test = load_mnist_scaled(args.data)
    y_partial = mnist_100_split(y_train, 10, args.seed)
    params = parse_params(args.param)

    def score():
        return float(model.score(X_test, y_test))

    averages = WeightAverages(args.starts, score, args.every)
    model = SGANClassifier(random_state=args.seed, callbacks=[("averages", averages)], **params)
    start = time.perf_counter()
    model.fit(X_train, y_partial)
    averages = dict(model.net_.callbacks_)["averages"]
    result = {
        "tag": args.tag,
        "seed": args.seed,
        "threads": args.threads,
        "params": params,
        "matmul_gflops": gflops,
        "train_seconds": time.perf_counter() - start - averages.excluded,
        "final_score": float(model.score(X_test, y_test)),
        "log": averages.log,
    }
    write_json(result, RESULTS_DIR / "probes" / f"avg_{args.tag}_seed{args.seed}.json")
    print("final test accuracy", result["final_score"])


if __name__ == "__main__":
    main()
