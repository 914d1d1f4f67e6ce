"""Shared test settings and helpers: the size presets, data makers, assertions and callbacks.

Test modules import them with ``from tests._helpers import SMALL, three_blobs``: one copy
of each, so that a change to what "small" means reaches every file. Fixtures live in
``conftest.py``; this module holds no fixtures.
"""

import copy
import io
import pickle

import numpy as np
import torch
from skorch.callbacks import Callback

# ----- size presets ----------------------------------------------------------------------
# Keyword arguments of SGANClassifier that set the network sizes and the training budget.
# Every test file takes its sizes from here. Pick the smallest preset that shows what the
# test checks; the fits each test makes depend on these values, so change them only
# together with the thresholds of the tests that use them.

#: One step, one tiny layer: for tests of validation and plumbing.
TINY = dict(
    hidden_layer_sizes=(8,),
    generator_layer_sizes=(8,),
    generator__latent_dim=4,
    max_epochs=1,
    train__min_steps_per_epoch=2,
)

#: A few dozen steps of small networks: for behaviour that needs real training.
SMALL = dict(
    hidden_layer_sizes=(16, 16),
    generator_layer_sizes=(16,),
    generator__latent_dim=8,
    max_epochs=3,
    train__min_steps_per_epoch=5,
    batch_size=20,
)

#: Enough training to be accurate on iris and digits: for tests of accuracy (most are
#: marked ``slow``) and for behaviour that shows only in a trained model.
ACCURATE = dict(
    hidden_layer_sizes=(64, 64),
    generator_layer_sizes=(64,),
    generator__latent_dim=16,
    max_epochs=8,
    train__min_steps_per_epoch=40,
    batch_size=50,
)

#: scikit-learn's conformance checks (tests/test_common.py): small networks and few steps,
#: as the checks fit dozens of times, but enough that the checks which ask for a good
#: training score (check_classifiers_train) pass.
CONFORMANCE = dict(
    hidden_layer_sizes=(32, 32),
    generator_layer_sizes=(32,),
    generator__latent_dim=8,
    max_epochs=4,
    train__min_steps_per_epoch=25,
    batch_size=32,
)

#: Hyperparameter searches on digits (tests/test_search.py): the conformance networks with
#: fewer epochs and 64-row batches (half the steps of an epoch of 32-row batches): about 2 s
#: a fit, and still about 0.85 accuracy with 10% of the labels.
SEARCH = dict(CONFORMANCE, max_epochs=3, train__min_steps_per_epoch=20, batch_size=64)

#: Convolutional networks (architecture="conv") on image rows, for plumbing: the layer sizes
#: are channel counts here, so they need a preset of their own; few channels and steps.
CONV_TINY = dict(
    hidden_layer_sizes=(4, 8),
    generator_layer_sizes=(8, 4),
    generator__latent_dim=8,
    max_epochs=1,
    train__min_steps_per_epoch=3,
    batch_size=20,
)

#: The original SGAN's networks (architecture="sgan_original"), which need exactly four
#: discriminator channel counts; otherwise as CONV_TINY.
ORIGINAL_TINY = dict(CONV_TINY, hidden_layer_sizes=(4, 4, 8, 8))


# ----- data ------------------------------------------------------------------------------
def three_blobs(n_rows=60, n_features=4, seed=0):
    """Three separable classes, every second row unlabeled; returns ``(X, y)``."""
    rng = np.random.default_rng(seed)
    y_true = np.arange(n_rows) % 3
    X = rng.normal(size=(n_rows, n_features)) + 3.0 * y_true[:, None]
    y = y_true.copy()
    y[::2] = -1
    return X, y


def offset_blobs(n_features=4):
    """Blobs far from 0 and wider than 1, so that scaled and input space do not overlap."""
    X, y = three_blobs(n_features=n_features)
    return 100.0 + 10.0 * X, y


# ----- assertions ------------------------------------------------------------------------
def assert_valid_proba(proba, n_rows, n_classes):
    """``proba`` is an ``(n_rows, n_classes)`` array of finite rows that sum to 1."""
    assert proba.shape == (n_rows, n_classes)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


def tensors_outside_cuda_mapped_attributes(net):
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


# ----- callbacks -------------------------------------------------------------------------
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
