"""Run scikit-learn's ``check_estimator`` on ``SGANClassifier`` with full-size networks.

The test suite runs the same checks with small networks (``tests/test_common.py``)
to stay fast; this script runs them on the defaults and on two other settings
that take other code paths (a short fit, whose averaged weights are young; and
unscaled input with the non-saturating loss and the decaying learning rate).
Run from the repository root::

    python -m benchmarks.conformance_defaults            # all three settings
    python -m benchmarks.conformance_defaults short      # one of them

Prints one line per check and a summary per setting; exits non-zero if a check
other than the expected failure fails.
"""

import sys
import time

import torch
from sklearn.utils.estimator_checks import check_estimator

from sgan_sklearn import SGANClassifier
from tests.test_common import EXPECTED_FAILED_CHECKS

SETTINGS = {
    "defaults": {},
    "short": {"max_epochs": 2},
    "unscaled_non_saturating_decay": {
        "input_scaling": None,
        "generator_loss": "non_saturating",
        "learning_rate_schedule": "linear_decay",
        "max_epochs": 10,
    },
}


def run(name, params):
    start = time.perf_counter()
    results = check_estimator(
        SGANClassifier(**params),
        expected_failed_checks=EXPECTED_FAILED_CHECKS,
        on_fail=None,
    )
    failed = []
    for result in results:
        print(f"{name:30s} {result['status']:8s} {result['check_name']}", flush=True)
        if result["status"] == "failed":
            failed.append(result["check_name"])
    counts = {s: sum(r["status"] == s for r in results) for s in ("passed", "xfail", "skipped")}
    elapsed = time.perf_counter() - start
    print(f"{name}: SGANClassifier({params}) {counts} failed={failed} in {elapsed:.0f}s")
    return failed


def main(names):
    torch.set_num_threads(1)
    unknown = set(names) - set(SETTINGS)
    if unknown:
        sys.exit(f"unknown settings {sorted(unknown)}; choose from {sorted(SETTINGS)}")
    failed = [check for name in names or SETTINGS for check in run(name, SETTINGS[name])]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
