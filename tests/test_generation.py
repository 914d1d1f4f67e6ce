"""Generated rows (sample) and the novelty score (score_samples).

The plotting helpers built on them are tested in test_plotting.py.
"""

import copy
import random

import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.exceptions import NotFittedError
from torch.nn import functional as F

import sgan_sklearn
from sgan_sklearn import SGANClassifier
from tests._helpers import TINY, offset_blobs, three_blobs


def assert_within_training_range(rows, X):
    X = X.toarray() if sparse.issparse(X) else X
    low, high = X.min(axis=0), X.max(axis=0)
    tolerance = 1e-5 * (high - low).max()
    assert np.all(rows >= low - tolerance) and np.all(rows <= high + tolerance)


# ----- sample ---------------------------------------------------------------
@pytest.mark.parametrize("input_scaling", ["standard", "minmax", None])
def test_sample_rows_are_float64_in_the_training_range(input_scaling):
    X, y = offset_blobs()
    clf = SGANClassifier(**TINY, input_scaling=input_scaling, random_state=0).fit(X, y)
    rows = clf.sample(50, random_state=0)
    assert isinstance(rows, np.ndarray) and rows.dtype == np.float64
    assert rows.shape == (50, X.shape[1])
    assert_within_training_range(rows, X)
    # Mapped back from the scaled space: around the data, not around 0.
    assert np.all(np.abs(rows.mean(axis=0) - X.mean(axis=0)) < X.std(axis=0) * 3)


@pytest.mark.parametrize("input_scaling", ["standard", "minmax"])
def test_sample_of_a_sparse_fit_is_dense_and_in_the_training_range(input_scaling):
    X, y = offset_blobs()
    X[X < 110] = 0.0
    X = sparse.csr_matrix(X)
    clf = SGANClassifier(**TINY, input_scaling=input_scaling, random_state=0).fit(X, y)
    rows = clf.sample(50, random_state=0)
    assert isinstance(rows, np.ndarray) and rows.shape == (50, X.shape[1])
    assert_within_training_range(rows, X)
    # In input units (features up to ~190), not in the scaled space (up to ~3).
    assert np.all(rows.mean(axis=0) > 0.1 * X.max(axis=0).toarray().ravel())


def test_sample_is_reproducible_and_seeded(fitted_small):
    rows = fitted_small.sample(6, random_state=0)
    np.testing.assert_array_equal(rows, fitted_small.sample(6, random_state=0))
    assert not np.array_equal(rows, fitted_small.sample(6, random_state=1))
    assert not np.array_equal(fitted_small.sample(6), fitted_small.sample(6))
    np.testing.assert_array_equal(
        fitted_small.sample(6, random_state=np.random.RandomState(3)),
        fitted_small.sample(6, random_state=np.random.RandomState(3)),
    )


def test_sample_runs_the_generator_in_eval_mode_on_a_copy(fitted_small):
    state = copy.deepcopy(fitted_small.generator_.state_dict())
    training = fitted_small.generator_.training
    # Batch norm in eval mode: a row does not depend on the rows drawn with it.
    np.testing.assert_array_equal(
        fitted_small.sample(40, random_state=0)[:5], fitted_small.sample(5, random_state=0)
    )
    assert fitted_small.generator_.training == training
    for key, value in fitted_small.generator_.state_dict().items():
        assert torch.equal(value, state[key]), key


@pytest.mark.parametrize("random_state", [None, 0])
def test_sample_leaves_the_global_random_state_alone(fitted_small, random_state):
    # The global numpy state is what is under test here.
    _, numpy_keys, numpy_position, *_ = np.random.get_state()  # noqa: NPY002
    torch_state, python_state = torch.get_rng_state(), random.getstate()
    fitted_small.sample(10, random_state=random_state)
    _, keys_after, position_after, *_ = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(keys_after, numpy_keys)
    assert position_after == numpy_position
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert random.getstate() == python_state


@pytest.mark.parametrize("n_samples", [0, -3, 2.5, "4", None])
def test_sample_rejects_a_bad_n_samples(fitted_small, n_samples):
    with pytest.raises(ValueError, match="'n_samples' parameter of sample"):
        fitted_small.sample(n_samples)


def test_sample_rejects_a_bad_random_state(fitted_small):
    with pytest.raises(ValueError, match="'random_state' parameter of sample"):
        fitted_small.sample(3, random_state="zero")


@pytest.mark.parametrize("method", ["sample", "score_samples"])
def test_generation_and_novelty_need_a_fitted_estimator(method):
    X, _ = three_blobs()
    argument = 3 if method == "sample" else X
    with pytest.raises(NotFittedError):
        getattr(SGANClassifier(), method)(argument)


def test_a_loaded_model_samples_the_same_rows(fitted_small, tmp_path):
    path = tmp_path / "model.sgan"
    fitted_small.save(path)
    np.testing.assert_array_equal(
        sgan_sklearn.load(path).sample(8, random_state=0), fitted_small.sample(8, random_state=0)
    )


# ----- score_samples ----------------------------------------------------------
def test_score_samples_is_log_p_real_of_the_discriminator(fitted_small, blobs):
    X, _ = blobs
    scores = fitted_small.score_samples(X)
    assert scores.shape == (len(X),) and scores.dtype == np.float64
    assert np.all(np.isfinite(scores)) and np.all(scores <= 0)
    discriminator = copy.deepcopy(fitted_small.discriminator_).double().eval()
    # The estimator scales its input to float32, as for training, then infers in float64.
    scaled = fitted_small.scaler_.transform(X).astype(np.float32)
    with torch.no_grad():
        logits = discriminator(torch.as_tensor(scaled).double())
    lse = torch.logsumexp(logits, dim=1)
    np.testing.assert_allclose(scores, (lse - F.softplus(lse)).numpy(), rtol=1e-10, atol=1e-12)


def test_score_samples_validates_like_predict_proba(fitted_small, blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="features"):
        fitted_small.score_samples(X[:, :3])
    with pytest.raises(ValueError, match="Flatten images"):
        fitted_small.score_samples(X.reshape(len(X), 2, 2))


def test_score_samples_ranks_training_rows_above_uniform_rows_in_their_box(fitted_small, blobs):
    # Checked on 10 seeds: the mean is higher for the training rows on every one.
    # (Far outside the box the ReLU discriminator's logits grow, and rows there
    # score near 0, the highest value: the user guide says so.)
    X, _ = blobs
    uniform = np.random.default_rng(0).uniform(X.min(axis=0), X.max(axis=0), size=X.shape)
    assert fitted_small.score_samples(X).mean() > fitted_small.score_samples(uniform).mean()
