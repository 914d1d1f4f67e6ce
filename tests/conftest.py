"""Shared test settings, data and helpers.

Test modules import the configurations and helper callbacks from here
(``from conftest import SMALL``): one copy of each, so that a change to what
"small" means reaches every file.
"""

import copy
import io
import pickle

import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris
from skorch.callbacks import Callback

from sgan_sklearn import SGANClassifier

# One step, one tiny layer: for tests of validation and plumbing.
TINY = dict(
    hidden_layer_sizes=(8,),
    generator_layer_sizes=(8,),
    latent_dim=4,
    max_epochs=1,
    min_steps_per_epoch=2,
)
# A few dozen steps of small networks: for behaviour that needs real training.
SMALL = dict(
    hidden_layer_sizes=(16, 16),
    generator_layer_sizes=(16,),
    latent_dim=8,
    max_epochs=3,
    min_steps_per_epoch=5,
    batch_size=20,
)
# Enough training to be accurate on iris and digits: for tests of accuracy.
ACCURATE = dict(
    hidden_layer_sizes=(64, 64),
    generator_layer_sizes=(64,),
    latent_dim=16,
    max_epochs=8,
    min_steps_per_epoch=40,
    batch_size=50,
)


def three_blobs(n_rows=60, n_features=4, seed=0):
    """Three separable classes, every second row unlabeled; returns ``(X, y)``."""
    rng = np.random.default_rng(seed)
    y_true = np.arange(n_rows) % 3
    X = rng.normal(size=(n_rows, n_features)) + 3.0 * y_true[:, None]
    y = y_true.copy()
    y[::2] = -1
    return X, y


def assert_valid_proba(proba, n_rows, n_classes):
    assert proba.shape == (n_rows, n_classes)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


class InterruptInEpoch(Callback):
    """Raises KeyboardInterrupt at the end of the first batch of ``epoch``."""

    def __init__(self, epoch=3):
        self.epoch = epoch

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


class RecordStartWeights(Callback):
    """Keeps a copy of the discriminator's weights when training begins."""

    def on_train_begin(self, net, **kwargs):
        self.start_weights_ = copy.deepcopy(net.module_.state_dict())


class RecordLearningRates(Callback):
    """Records both optimizers' learning rates after every batch."""

    def initialize(self):
        self.rates = []
        return self

    def on_batch_end(self, net, **kwargs):
        self.rates.append(
            (net.optimizer_.param_groups[0]["lr"], net.optimizer_generator_.param_groups[0]["lr"])
        )


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
    return three_blobs()


@pytest.fixture(scope="session")
def fitted_small(blobs):
    """A SMALL fit on the blobs; tests must not change it."""
    X, y = blobs
    return SGANClassifier(**SMALL, random_state=0).fit(X, y)


def _tensors_outside_cuda_mapped_attributes(net):
    """Tensors a pickle of ``net`` would hold outside the attributes skorch maps to the CPU."""
    plain_state = {
        key: value
        for key, value in vars(net).items()
        if not any(key.startswith(prefix) for prefix in net.cuda_dependent_attributes_)
    }
    found = []

    class FindTensors(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, torch.Tensor):
                found.append(obj)
            return None

    FindTensors(io.BytesIO()).dump(plain_state)
    return found


@pytest.fixture
def tensors_outside_cuda_mapped_attributes():
    return _tensors_outside_cuda_mapped_attributes
