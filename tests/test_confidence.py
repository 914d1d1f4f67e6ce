"""Confidence that fades with the distance from the labeled rows."""

import copy

import numpy as np
import pytest

from sgan_sklearn import SGANClassifier
from sgan_sklearn._confidence import VARIANCE_WEIGHT, fit_kernel, kappa
from tests._helpers import SMALL, TINY


def without_kernel(clf):
    """``clf``'s probabilities as they are without the kernel: softmax(logits / T)."""
    plain = copy.copy(clf)
    plain.labeled_kernel_ = None
    return plain


def test_kernel_factor_is_highest_at_the_labeled_rows_and_floors_far_away():
    rng = np.random.default_rng(0)
    anchors = rng.normal(size=(6, 4))
    features = np.vstack([anchors, anchors + 0.01, anchors + 100.0])
    logits = rng.normal(size=(len(features), 3)) * 4
    state = fit_kernel(anchors, features, logits, temperature=2.0)
    factor = kappa(features, state)
    near, far = factor[:12], factor[12:]
    assert near.min() > 2 * far.max()
    # Far from every labeled row the kernel's variance is 1.
    np.testing.assert_allclose(far, state["scale"] / np.sqrt(1 + VARIANCE_WEIGHT), rtol=1e-9)


def test_no_kernel_where_the_labeled_rows_coincide():
    anchors = np.ones((4, 3))
    assert fit_kernel(anchors, anchors, np.zeros((4, 2)), temperature=1.0) is None


def test_fading_keeps_every_prediction_and_the_mean_confidence(iris):
    X, y, _ = iris
    clf = SGANClassifier(**SMALL, random_state=0).fit(X, y)
    assert clf.labeled_kernel_ is not None
    proba, plain = clf.predict_proba(X), without_kernel(clf).predict_proba(X)
    np.testing.assert_array_equal(proba.argmax(axis=1), plain.argmax(axis=1))
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[plain.argmax(axis=1)])
    # The scale keeps the training rows' mean confidence where it was.
    np.testing.assert_allclose(proba.max(axis=1).mean(), plain.max(axis=1).mean(), atol=1e-6)
    np.testing.assert_allclose(clf.label_distributions_, proba, rtol=1e-9, atol=1e-12)


def test_rows_far_from_the_labels_lose_confidence_relative_to_the_labeled_rows():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0], [6.0, 6.0]])
    X = np.vstack([c + rng.normal(scale=0.6, size=(50, 2)) for c in centers])
    y = np.full(len(X), -1)
    # Labels in the first two blobs only: the other two lie far from every label.
    y[[0, 1, 2, 50, 51, 52]] = [0, 0, 0, 1, 1, 1]
    clf = SGANClassifier(**SMALL, random_state=0).fit(X, y)
    ratio = clf.predict_proba(X).max(axis=1) / without_kernel(clf).predict_proba(X).max(axis=1)
    labeled, far = ratio[y != -1], ratio[100:]
    assert np.median(labeled) > np.median(far)


def test_model_file_keeps_the_kernel(iris, tmp_path):
    X, y, _ = iris
    clf = SGANClassifier(**SMALL, random_state=0).fit(X, y)
    clf.save(tmp_path / "model.sgan")
    from sgan_sklearn import load

    loaded = load(tmp_path / "model.sgan")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert not np.array_equal(loaded.predict_proba(X), without_kernel(clf).predict_proba(X))


@pytest.mark.parametrize("case", ["wide", "own_network"])
def test_no_kernel_on_wide_inputs_or_own_networks(case):
    from tests.test_own_networks import PlainGenerator, TwoLayerDiscriminator

    rng = np.random.default_rng(0)
    n_features = 256 if case == "wide" else 5
    X = rng.normal(size=(40, n_features))
    y = np.where(np.arange(40) % 4 == 0, np.arange(40) % 8 // 4, -1)
    if case == "own_network":
        params = dict(
            discriminator=TwoLayerDiscriminator(n_features, 2),
            generator=PlainGenerator(n_features),
            max_epochs=1,
            train__min_steps_per_epoch=2,
            random_state=0,
        )
    else:
        params = dict(TINY, random_state=0)
    clf = SGANClassifier(**params).fit(X, y)
    assert clf.labeled_kernel_ is None
