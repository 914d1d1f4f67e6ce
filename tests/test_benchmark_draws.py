"""The label draws, cell selection and review scoring of the benchmark scripts."""

import numpy as np
import pytest

from benchmarks import imbalanced, suite


def test_suite_runs_only_the_cells_asked_for():
    chosen = list(suite.cells(["iris", "wine"], ["moons:1:per_class", "digits:5:random"]))
    assert chosen == [("moons", 1, "per_class"), ("digits", 5, "random")]
    assert len(list(suite.cells(["iris", "wine"]))) == 8


@pytest.mark.parametrize("spec", ["moons:2:per_class", "iris:5:stratified", "mnist:5:random"])
def test_suite_rejects_cells_it_does_not_have(spec):
    with pytest.raises(ValueError, match="not a cell of the suite"):
        list(suite.cells(["iris"], [spec]))


def test_imbalanced_table_is_one_positive_in_ten():
    X, y = imbalanced.table("synthetic", 0, None)
    assert X.shape[0] == len(y) == 3000
    assert 0.08 < y.mean() < 0.12
    rng = np.random.default_rng(0)
    X_cut, y_cut = imbalanced._one_in_ten(
        np.arange(1000)[:, None], np.r_[np.zeros(700), np.ones(300)].astype(int), rng
    )
    assert (y_cut == 0).sum() == 700 and (y_cut == 1).sum() == 700 // 9
    # Rows keep their own labels.
    assert np.array_equal(y_cut, (X_cut[:, 0] >= 700).astype(int))


@pytest.mark.parametrize("seed", range(5))
def test_imbalanced_draws(seed):
    # The imbalanced tables take the suite's draws: 10 per class or 20 at random,
    # both classes always among the drawn rows, even where one row in ten is positive.
    y = np.r_[np.zeros(900), np.ones(100)].astype(int)
    level = imbalanced.LABELS_PER_CLASS
    per_class = suite.draw_labels(y, level, "per_class", seed)
    assert np.bincount(per_class[per_class != -1]).tolist() == [10, 10]
    random = suite.draw_labels(y, level, "random", seed)
    drawn = random != -1
    assert drawn.sum() == 20 and set(random[drawn]) == {0, 1}
    assert np.array_equal(random[drawn], y[drawn])


def test_review_corrects_the_least_sure_rows_only():
    from benchmarks.uncertainty_review import accuracy_after_review

    wrong = np.array([True, False, True, False, False, False, False, False, False, True])
    # The two rows of highest entropy: one wrong (row 2), one right (row 4).
    entropy = np.array([0.1, 0.2, 0.9, 0.3, 0.8, 0.0, 0.0, 0.0, 0.0, 0.05])
    assert accuracy_after_review(wrong, entropy, 20) == 0.8
    assert accuracy_after_review(wrong, entropy, 0) == 0.7
    assert accuracy_after_review(wrong, entropy, 100) == 1.0
    assert wrong.sum() == 3  # the caller's array is left as it was


def test_confidence_grid_keeps_mean_confidence_and_matches_the_estimators_kernel():
    from benchmarks import confidence_grid
    from sgan_sklearn import _confidence

    rng = np.random.default_rng(0)
    features = np.abs(rng.normal(size=(60, 5)))
    logits = rng.normal(size=(60, 3)) * 3
    labeled = np.zeros(60, dtype=bool)
    labeled[:9] = True
    variance = confidence_grid._variances(features, logits, labeled, ~labeled)[
        f"rbf ls={_confidence.LENGTH_SCALE_FACTOR} noise={_confidence.KERNEL_NOISE}"
    ]
    plain = logits / 2.0
    factor = confidence_grid._matched(
        plain, 1 / np.sqrt(1 + _confidence.VARIANCE_WEIGHT * variance)
    )
    confidence = confidence_grid._softmax(plain).max(axis=1).mean()
    scaled = confidence_grid._softmax(factor[:, None] * plain).max(axis=1).mean()
    assert scaled == pytest.approx(confidence, abs=1e-9)
    # The estimator's own form of the chosen variant gives the same factor.
    state = _confidence.fit_kernel(features[labeled], features, logits, temperature=2.0)
    np.testing.assert_allclose(_confidence.kappa(features, state), factor, rtol=1e-4)
