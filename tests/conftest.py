"""Shared fixtures and pytest hooks.

The size presets, data makers and helper callbacks are in ``tests/_helpers.py``
(``from tests._helpers import SMALL``); this file holds only fixtures and hooks.
"""

import os

import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris

from sgan_sklearn import SGANClassifier
from tests._helpers import SMALL, three_blobs

SLOW_SKIP_REASON = "slow: set SGAN_RUN_SLOW=1 to run it (CI does)"


def pytest_collection_modifyitems(config, items):
    """Skip the tests marked ``slow`` unless the environment sets SGAN_RUN_SLOW=1."""
    if os.environ.get("SGAN_RUN_SLOW") == "1":
        return
    skip_slow = pytest.mark.skip(reason=SLOW_SKIP_REASON)
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.add_marker(skip_slow)


@pytest.fixture(autouse=True, scope="session")
def _single_torch_thread():
    # The test networks are tiny: one thread is faster than two and keeps the
    # suite's timings stable on a shared 2-core machine.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def iris():
    """Iris with about 30% of the labels kept: ``(X, y, y_true)``."""
    X, y_true = load_iris(return_X_y=True)
    y = y_true.copy()
    y[np.random.default_rng(0).random(len(y)) > 0.3] = -1
    return X, y, y_true


@pytest.fixture(scope="session")
def blobs():
    """``three_blobs()``: 60 rows of three separable classes, every second row unlabeled."""
    return three_blobs()


@pytest.fixture(scope="session")
def fitted_small(blobs):
    """A SMALL fit on the blobs; tests must not change it."""
    X, y = blobs
    return SGANClassifier(**SMALL, random_state=0).fit(X, y)
