"""Run scikit-learn's ``check_estimator`` on ``SGANClassifier()`` with default parameters.

The test suite runs the same checks with small networks (``tests/test_common.py``)
to stay fast; this script shows that the defaults pass them too. Run from the
repository root::

    python -m benchmarks.conformance_defaults

Prints one line per check and a summary; exits non-zero if a check other than
the expected failure fails.
"""

import sys
import time

import torch
from sklearn.utils.estimator_checks import check_estimator

from sgan_sklearn import SGANClassifier
from tests.test_common import EXPECTED_FAILED_CHECKS


def main():
    torch.set_num_threads(1)
    start = time.perf_counter()
    results = check_estimator(
        SGANClassifier(),
        expected_failed_checks=EXPECTED_FAILED_CHECKS,
        on_fail=None,
    )
    failed = []
    for result in results:
        print(f"{result['status']:8s} {result['check_name']}", flush=True)
        if result["status"] == "failed":
            failed.append(result["check_name"])
    counts = {s: sum(r["status"] == s for r in results) for s in ("passed", "xfail", "skipped")}
    print(f"{counts} failed={len(failed)} in {time.perf_counter() - start:.0f}s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
