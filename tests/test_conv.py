"""Convolutional architectures: image rows end to end, the original SGAN, bad shapes."""

import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.datasets import load_digits

from sgan_sklearn import SGANClassifier, load
from tests._helpers import CONV_TINY, ORIGINAL_TINY, assert_valid_proba


def images(n_rows, shape, seed=0):
    """Rows of images with three classes told apart by which third is bright."""
    rng = np.random.default_rng(seed)
    y_true = np.arange(n_rows) % 3
    channels, height, width = shape
    X = rng.uniform(0, 0.3, size=(n_rows, channels, height, width))
    for c in range(3):
        X[y_true == c, :, c * height // 3 : (c + 1) * height // 3, :] += 0.7
    y = y_true.copy()
    y[::2] = -1
    return X.reshape(n_rows, -1), y, y_true


@pytest.fixture(scope="module")
def digits():
    X, y_true = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    y = np.full_like(y_true, -1)
    for c in range(10):
        rows = rng.choice(np.flatnonzero(y_true == c), 5, replace=False)
        y[rows] = c
    return X, y, y_true


@pytest.mark.parametrize("architecture", ["conv", "sgan_original"])
@pytest.mark.parametrize("shape", [(1, 8, 8), (3, 32, 32), (1, 28, 28)])
def test_image_rows_fit_and_predict(architecture, shape):
    X, y, _ = images(30, shape)
    config = CONV_TINY if architecture == "conv" else ORIGINAL_TINY
    clf = SGANClassifier(
        architecture=architecture, image_shape=shape, random_state=0, **config
    ).fit(X, y)
    assert_valid_proba(clf.predict_proba(X), len(X), 3)
    assert clf.image_shape_ == shape
    assert clf.discriminator_(torch.zeros(2, X.shape[1])).shape == (2, 3)


def test_auto_channels_follow_the_architecture():
    X, y, _ = images(12, (1, 8, 8))
    fitted = {}
    for architecture in ("conv", "sgan_original"):
        clf = SGANClassifier(
            architecture=architecture,
            image_shape=(1, 8, 8),
            max_epochs=1,
            train__min_steps_per_epoch=1,
            random_state=0,
        ).fit(X, y)
        fitted[architecture] = (clf.hidden_layer_sizes_, clf.generator_layer_sizes_)
    assert fitted["conv"] == ((32, 64, 128), (64, 32))
    # The Keras SGAN script's channels.
    assert fitted["sgan_original"] == ((32, 64, 128, 256), (128, 64))


@pytest.mark.slow
def test_conv_learns_digits(digits):
    X, y, y_true = digits
    clf = SGANClassifier(
        architecture="conv",
        image_shape=(1, 8, 8),
        hidden_layer_sizes=(32, 64),
        max_epochs=3,
        random_state=0,
    ).fit(X, y)
    unlabeled = y == -1
    # Labeled-only logistic regression gets about 0.84 on these labels.
    assert clf.score(X[unlabeled], y_true[unlabeled]) >= 0.8


def test_conv_fit_is_reproducible():
    X, y, _ = images(30, (1, 8, 8))
    probas = [
        SGANClassifier(architecture="conv", image_shape=(1, 8, 8), random_state=3, **CONV_TINY)
        .fit(X, y)
        .predict_proba(X)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*probas)


def test_images_are_scaled_per_channel_not_per_pixel():
    X, y, _ = images(30, (3, 8, 8))
    X[:, :64] *= 10.0  # the first channel in other units
    clf = SGANClassifier(architecture="conv", image_shape=(3, 8, 8), random_state=0, **CONV_TINY)
    clf.fit(X, y)
    channels = X.reshape(len(X), 3, -1)
    for c in range(3):
        block = slice(64 * c, 64 * (c + 1))
        np.testing.assert_allclose(clf.scaler_.mean_[block], channels[:, c].mean())
        np.testing.assert_allclose(clf.scaler_.scale_[block], channels[:, c].std())
    np.testing.assert_allclose(clf.scaler_.inverse_transform(clf.scaler_.transform(X)), X)


def test_generated_images_stay_in_the_box_of_the_data():
    X, y, _ = images(30, (1, 8, 8))
    X[:, :8] = 0.0  # a dark first row of pixels, as MNIST's border
    for architecture, config in (("conv", CONV_TINY), ("sgan_original", ORIGINAL_TINY)):
        clf = SGANClassifier(
            architecture=architecture, image_shape=(1, 8, 8), random_state=0, **config
        ).fit(X, y)
        generator = clf.generator_.eval()
        with torch.no_grad():
            rows = generator(generator.sample_noise(50, "cpu")).numpy()
        scaled = clf.scaler_.transform(X)
        assert rows.shape == (50, 64)
        assert np.all(rows >= scaled.min(axis=0) - 1e-5)
        assert np.all(rows <= scaled.max(axis=0) + 1e-5)
        np.testing.assert_allclose(rows[:, :8], np.broadcast_to(scaled[0, :8], (50, 8)), atol=1e-5)


@pytest.mark.parametrize("architecture", ["conv", "sgan_original"])
def test_original_objective_trains(architecture):
    X, y, _ = images(30, (1, 8, 8))
    config = CONV_TINY if architecture == "conv" else ORIGINAL_TINY
    clf = SGANClassifier(
        architecture=architecture,
        image_shape=(1, 8, 8),
        train__discriminator_loss="keras_sgan",
        generator_loss="non_saturating",
        random_state=0,
        **config,
    ).fit(X, y)
    for key in ("supervised_loss", "unsupervised_loss", "generator_loss"):
        assert np.isfinite(clf.history_[-1, key])
    plain = SGANClassifier(
        architecture=architecture, image_shape=(1, 8, 8), random_state=0, **config
    ).fit(X, y)
    assert clf.history_[-1, "supervised_loss"] != plain.history_[-1, "supervised_loss"]


def test_generator_step_leaves_the_discriminators_statistics_alone():
    X, y, _ = images(30, (1, 8, 8))
    clf = SGANClassifier(
        architecture="sgan_original", image_shape=(1, 8, 8), random_state=0, **ORIGINAL_TINY
    ).fit(X, y)
    net = clf.net_
    before = [b.clone() for b in net.module_.buffers()]
    assert before, "the original discriminator has batch-norm statistics"
    net.module_.train()
    net._generator_step(torch.as_tensor(clf.scaler_.transform(X), dtype=torch.float32), 20)
    for saved, buffer in zip(before, net.module_.buffers()):
        torch.testing.assert_close(buffer, saved)


def test_conv_model_file_round_trip(tmp_path):
    X, y, _ = images(30, (1, 8, 8))
    clf = SGANClassifier(architecture="conv", image_shape=(1, 8, 8), random_state=0, **CONV_TINY)
    clf.fit(X, y).save(tmp_path / "conv.sgan")
    loaded = load(tmp_path / "conv.sgan")
    assert loaded.get_params()["image_shape"] == (1, 8, 8)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_warm_start_refuses_another_architecture():
    X, y, _ = images(30, (1, 8, 8))
    clf = SGANClassifier(
        architecture="conv", image_shape=(1, 8, 8), warm_start=True, random_state=0, **CONV_TINY
    ).fit(X, y)
    clf.set_params(architecture="mlp", hidden_layer_sizes=(8,), generator_layer_sizes=(8,))
    with pytest.raises(ValueError, match="architecture from 'conv' to 'mlp'"):
        clf.fit(X, y)


@pytest.mark.parametrize(
    "params, X_shape, message",
    [
        (dict(architecture="conv"), (10, 64), r"needs image_shape=\(channels, height, width\)"),
        (dict(architecture="conv", image_shape=(1, 8, 9)), (10, 64), "holds 72 values"),
        (dict(architecture="conv", image_shape=(1, 8)), (10, 64), "must be \\(channels"),
        (dict(architecture="conv", image_shape=(0, 8, 8)), (10, 64), "positive ints"),
        (dict(architecture="conv", image_shape=(1, 4, 4)), (10, 16), "at least 8x8"),
        (dict(architecture="mlp", image_shape=(1, 7, 7)), (10, 64), "holds 49 values"),
        (
            dict(architecture="sgan_original", image_shape=(1, 8, 8), hidden_layer_sizes=(4,)),
            (10, 64),
            "must hold 4 channel counts",
        ),
    ],
)
def test_bad_image_shapes_are_refused_before_training(params, X_shape, message):
    X = np.random.default_rng(0).random(X_shape)
    y = np.arange(len(X)) % 2
    with pytest.raises(ValueError, match=message):
        SGANClassifier(**params, max_epochs=1).fit(X, y)


def test_sparse_images_are_refused_with_the_fix():
    X, y, _ = images(30, (1, 8, 8))
    clf = SGANClassifier(architecture="conv", image_shape=(1, 8, 8), **CONV_TINY)
    with pytest.raises(ValueError, match=r"X.toarray\(\)"):
        clf.fit(sparse.csr_matrix(X), y)


def test_image_arrays_point_at_the_conv_option():
    X, y, _ = images(10, (1, 8, 8))
    with pytest.raises(ValueError, match=r"architecture='conv', image_shape=\(1, 8, 8\)"):
        SGANClassifier().fit(X.reshape(10, 8, 8), y)


@pytest.mark.parametrize("architecture", ["conv", "sgan_original"])
def test_sample_gives_images_in_the_pixel_range(architecture):
    X, y, _ = images(30, (1, 8, 8))
    config = CONV_TINY if architecture == "conv" else ORIGINAL_TINY
    clf = SGANClassifier(
        architecture=architecture, image_shape=(1, 8, 8), random_state=0, **config
    ).fit(X, y)
    rows = clf.sample(25, random_state=0)
    assert rows.shape == (25, 64)
    assert np.all(rows >= X.min(axis=0) - 1e-6) and np.all(rows <= X.max(axis=0) + 1e-6)
