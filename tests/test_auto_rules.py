"""The rules that read the data: input noise from row spacing, logs of heavy tails,
two-valued columns kept one apart."""

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.datasets import load_digits, make_moons

import sgan_sklearn
from sgan_sklearn import SGANClassifier
from sgan_sklearn._auto import INPUT_NOISE, N_NEIGHBORS, NEIGHBOR_WEIGHT, WIDE_INPUT, nearest_rows
from sgan_sklearn._scaling import TailLogStandardScaler, fitted_scaler
from tests._helpers import SMALL, TINY
from tests.test_own_networks import TwoLayerDiscriminator


def _few_labels(y, n_per_class=3):
    partial = np.full(len(y), -1)
    for label in np.unique(y):
        partial[np.flatnonzero(y == label)[:n_per_class]] = label
    return partial


def test_auto_input_noise_shrinks_where_rows_lie_close_together():
    X_moons, y_moons = make_moons(300, noise=0.05, random_state=0)
    X_digits, y_digits = load_digits(return_X_y=True)
    moons = SGANClassifier(**TINY, random_state=0).fit(X_moons, _few_labels(y_moons))
    digits = SGANClassifier(**TINY, random_state=0).fit(X_digits, _few_labels(y_digits))
    assert moons.input_noise_ < INPUT_NOISE / 3
    assert digits.input_noise_ > moons.input_noise_
    assert moons.net_.module_.input_noise.std == pytest.approx(moons.input_noise_)


def test_a_given_input_noise_is_used_as_is_and_auto_is_kept_by_a_continued_fit():
    X, y = make_moons(200, noise=0.05, random_state=0)
    y = _few_labels(y)
    given = SGANClassifier(**TINY, input_noise=0.2, random_state=0).fit(X, y)
    assert given.input_noise_ == 0.2
    auto = SGANClassifier(**TINY, random_state=0).fit(X, y)
    first = auto.input_noise_
    auto.set_params(warm_start=True).fit(X * 10, y)
    assert auto.input_noise_ == first


def test_wide_inputs_keep_the_fixed_input_noise_in_any_scaling():
    # Rows of WIDE_INPUT features in [0, 1] that lie close together: the spacing
    # rule alone would give them much less noise.
    rng = np.random.default_rng(0)
    centres = rng.random((3, WIDE_INPUT))
    y = np.repeat([0, 1, 2], 40)
    X = np.clip(centres[y] + 0.01 * rng.standard_normal((len(y), WIDE_INPUT)), 0, 1)
    narrow = SGANClassifier(**TINY, input_scaling=None, random_state=0).fit(
        X[:, :64], _few_labels(y)
    )
    assert narrow.input_noise_ < INPUT_NOISE / 3
    for scaling in (None, "minmax", "standard"):
        wide = SGANClassifier(**TINY, input_scaling=scaling, random_state=0).fit(X, _few_labels(y))
        assert wide.input_noise_ == INPUT_NOISE


def test_conv_keeps_the_fixed_input_noise():
    X, y = load_digits(return_X_y=True)
    clf = SGANClassifier(
        architecture="conv",
        image_shape=(1, 8, 8),
        hidden_layer_sizes=(4, 8),
        generator_layer_sizes=(8, 4),
        max_epochs=1,
        train__min_steps_per_epoch=1,
        random_state=0,
    ).fit(X[:100], _few_labels(y[:100]))
    assert clf.input_noise_ == INPUT_NOISE


def _heavy_tailed(n_rows=400, seed=0):
    rng = np.random.default_rng(seed)
    money = rng.lognormal(mean=3.0, sigma=2.0, size=n_rows) * (rng.random(n_rows) < 0.4)
    return np.c_[money, rng.normal(size=n_rows), (rng.random(n_rows) < 0.1).astype(float)]


def test_heavy_tailed_columns_are_logged_and_others_only_standardised():
    X = _heavy_tailed()
    before = X.copy()
    scaler = fitted_scaler("standard", X)
    assert isinstance(scaler, TailLogStandardScaler)
    # Only the heavy-tailed non-negative column; not the signed one nor the binary one.
    assert scaler.tail_scale_[0] == pytest.approx(np.median(X[X[:, 0] != 0, 0]))
    assert np.all(scaler.tail_scale_[1:] == 0)
    Z = scaler.transform(X)
    np.testing.assert_array_equal(X, before)
    # Plain standardisation leaves most rows of the tailed column in a sliver.
    plain = (X[:, 0] - X[:, 0].mean()) / X[:, 0].std()

    def spread(values):
        return np.subtract(*np.percentile(values[X[:, 0] != 0], [75, 25]))

    assert spread(Z[:, 0]) > 3 * spread(plain)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, rtol=1e-9, atol=1e-9)


def test_sparse_heavy_tails_are_logged_without_densifying():
    X = sparse.csr_matrix(np.abs(_heavy_tailed()))
    scaler = fitted_scaler("standard", X)
    Z = scaler.transform(X)
    assert sparse.issparse(Z) and Z.nnz == X.nnz
    np.testing.assert_allclose(scaler.inverse_transform(Z).toarray(), X.toarray(), atol=1e-9)


def test_model_file_keeps_the_tail_scaling_and_samples_come_back_in_input_units(tmp_path):
    X = _heavy_tailed()
    y = np.where(np.arange(len(X)) < 40, (X[:, 1] > 0).astype(int), -1)
    clf = SGANClassifier(**TINY, random_state=0).fit(X, y)
    assert clf.scaler_.tail_scale_[0] > 0
    clf.save(tmp_path / "model.sgan")
    loaded = sgan_sklearn.load(tmp_path / "model.sgan")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.scaler_.tail_scale_, clf.scaler_.tail_scale_)
    samples = clf.sample(200, random_state=0)
    assert samples[:, 0].min() >= 0
    assert samples[:, 0].max() <= X[:, 0].max() * (1 + 1e-6)


def test_wide_inputs_share_one_scale_floor_as_pixels_do():
    rng = np.random.default_rng(0)
    X = (rng.random((300, 300)) < 0.3) * rng.random((300, 300))
    X[:, :10] = (rng.random((300, 10)) < 0.01) * 1.0  # rarely lit "border pixels"
    scaler = fitted_scaler("standard", X)
    assert not isinstance(scaler, TailLogStandardScaler)
    typical = np.sqrt(np.mean(X.std(axis=0) ** 2))
    np.testing.assert_allclose(scaler.scale_[:10], typical)
    # Narrower inputs floor each column at a sixth of its own range instead.
    X[:5, :10] = 0.5  # a third value: no longer two-valued
    narrow = fitted_scaler("standard", X[:, :200])
    np.testing.assert_allclose(narrow.scale_[:10], 1 / 6)


def _with_flags(n_rows=400, seed=0):
    """A numeric column, a rare one-hot column, a common flag in other units, a constant."""
    rng = np.random.default_rng(seed)
    return np.c_[
        rng.normal(size=n_rows),
        (rng.random(n_rows) < 0.02).astype(float),
        np.where(rng.random(n_rows) < 0.5, 3.0, 7.0),
        np.ones(n_rows),
    ]


def test_two_valued_columns_are_centred_with_their_values_one_apart():
    X = _with_flags()
    Z = fitted_scaler("standard", X).transform(X)
    for j in (1, 2):
        np.testing.assert_allclose(np.ptp(Z[:, j]), 1.0)
        assert abs(Z[:, j].mean()) < 1e-9
    # A rare category, standardised, would stand about 7 from the common value.
    assert np.abs(Z[:, 1]).max() < 1
    alone = fitted_scaler("standard", X[:, :1]).transform(X[:, :1])
    np.testing.assert_allclose(Z[:, 0], alone[:, 0])
    assert np.all(Z[:, 3] == 0)


def test_sparse_and_dense_inputs_find_the_same_two_valued_columns():
    X = np.abs(_with_flags())
    X[:, 2] -= 3.0  # values 0 and 4: zeros are one of the two
    X[:3, 0] = 0.0
    dense = fitted_scaler("standard", X)
    sparse_scaler = fitted_scaler("standard", sparse.csr_matrix(X))
    np.testing.assert_allclose(sparse_scaler.scale_, dense.scale_)
    np.testing.assert_allclose(dense.scale_[1:3], [1.0, 4.0])
    # Three values (0 and two others) are not two-valued.
    X[:5, 2] = 2.0
    assert fitted_scaler("standard", sparse.csr_matrix(X)).scale_[2] != 4.0


def test_nearest_rows_leave_out_the_row_itself_even_among_duplicates():
    X = np.array([[0.0], [1.0], [3.0], [3.0], [10.0], [3.0]])
    neighbors = nearest_rows(X, 2)
    assert neighbors.shape == (6, 2)
    assert not (neighbors == np.arange(6)[:, None]).any()
    # Row 2 has two exact copies: they are its nearest rows.
    assert set(neighbors[2]) == {3, 5}
    assert set(neighbors[0]) == {1, 2} or set(neighbors[0]) <= {1, 2, 3, 5}
    assert nearest_rows(X[:3], 7).shape == (3, 2)
    assert nearest_rows(X[:1], 7).shape == (1, 0)


def test_nearest_rows_of_many_rows_are_searched_within_random_blocks():
    X = np.random.default_rng(0).random((100, 3))
    neighbors = nearest_rows(X, 3, seed=0, block_rows=30)
    assert neighbors.shape == (100, 3)
    assert not (neighbors == np.arange(100)[:, None]).any()

    # Four blocks of 25 rows: the neighbour graph falls apart into the blocks,
    # where the search over all rows links more than 25 rows together.
    def largest_component(found):
        rows = np.repeat(np.arange(len(found)), found.shape[1])
        graph = sparse.coo_matrix((np.ones(rows.size), (rows, found.ravel())), shape=(100, 100))
        _, component = connected_components(graph, directed=False)
        return np.bincount(component).max()

    assert largest_component(neighbors) <= 25
    assert largest_component(nearest_rows(X, 3)) > 25
    # Within one block the neighbours are the exact ones.
    assert np.array_equal(nearest_rows(X, 3, seed=0, block_rows=100), nearest_rows(X, 3))


def test_auto_neighbor_weight_is_on_for_narrow_inputs_only():
    X, y = make_moons(100, noise=0.05, random_state=0)
    y = _few_labels(y)
    narrow = SGANClassifier(**TINY, random_state=0).fit(X, y)
    assert narrow.net_.neighbor_weight == NEIGHBOR_WEIGHT
    # Found for the fit only: not kept in the fitted model.
    assert narrow.net_.neighbors_ is None
    wide = np.random.default_rng(0).random((60, WIDE_INPUT))
    pixels = SGANClassifier(**TINY, random_state=0).fit(wide, _few_labels(y[:60]))
    assert pixels.net_.neighbor_weight == 0.0
    own = SGANClassifier(
        **TINY,
        discriminator=TwoLayerDiscriminator,
        discriminator__n_features=2,
        discriminator__n_classes=2,
        random_state=0,
    ).fit(X, y)
    assert own.net_.neighbor_weight == 0.0
    given = SGANClassifier(**TINY, train__neighbor_weight=0.1, random_state=0).fit(X, y)
    assert given.net_.neighbor_weight == 0.1


def _edge_disagreement(clf, X):
    """Mean squared difference of predicted probabilities between rows and their neighbours."""
    proba = clf.predict_proba(X)
    neighbors = nearest_rows(clf.scaler_.transform(X), N_NEIGHBORS)
    return np.square(proba[:, None, :] - proba[neighbors]).sum(axis=2).mean()


def test_a_heavier_neighbor_term_makes_neighbouring_rows_agree_more():
    X, y = make_moons(200, noise=0.1, random_state=0)
    y = _few_labels(y, 1)
    # Group labels would label these moons before training: the network alone here.
    settings = dict(
        SMALL,
        max_epochs=10,
        train__min_steps_per_epoch=20,
        train__group_labels=False,
        random_state=0,
    )
    disagreement = [
        _edge_disagreement(SGANClassifier(**settings, train__neighbor_weight=w).fit(X, y), X)
        for w in (0.0, 3.0, 10.0)
    ]
    assert disagreement[0] > disagreement[1] > disagreement[2]
    assert disagreement[2] < 0.5 * disagreement[0]
