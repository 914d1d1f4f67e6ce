"""Labels carried through groups of rows that lie apart from the rest."""

import numpy as np
from sklearn.datasets import make_circles, make_classification, make_moons
from sklearn.neighbors import NearestNeighbors

from sgan_sklearn import SGANClassifier, load
from sgan_sklearn._groups import labels_from_groups
from tests._helpers import ACCURATE, TINY


def _one_label_per_class(y):
    partial = np.full(len(y), -1)
    for label in np.unique(y):
        partial[np.flatnonzero(y == label)[0]] = label
    return partial


def _codes(partial):
    labeled_rows = np.flatnonzero(partial != -1)
    return labeled_rows, partial[labeled_rows]


def test_the_two_circles_are_labeled_from_one_label_each():
    X, y = make_circles(200, random_state=0)
    partial = _one_label_per_class(y)
    model = SGANClassifier(**ACCURATE, random_state=0).fit(X, partial)
    assert model.n_labeled_by_groups_ == len(y) - 2
    np.testing.assert_array_equal(model.transduction_, y)
    without = SGANClassifier(**ACCURATE, train__group_labels=False, random_state=0)
    without.fit(X, partial)
    assert without.n_labeled_by_groups_ == 0
    # The network alone splits the rings with a near-straight boundary.
    assert (without.transduction_ == y).mean() < 0.9


def test_probabilities_of_a_fit_on_group_labels_are_not_softened():
    # The temperature that undoes the over-confidence of training on a few labels
    # has nothing to undo where the rows were labeled by their groups.
    X, y = make_circles(200, random_state=0)
    partial = np.full(len(y), -1)
    for label in (0, 1):
        partial[np.flatnonzero(y == label)[:5]] = label
    model = SGANClassifier(**ACCURATE, random_state=0).fit(X, partial)
    without = SGANClassifier(**ACCURATE, train__group_labels=False, random_state=0)
    without.fit(X, partial)
    assert model.n_labeled_by_groups_ > 0 and without.n_labeled_by_groups_ == 0
    assert model.temperature_ == 1.0 < without.temperature_
    np.testing.assert_array_equal(model.predict(X), y)


def test_every_row_of_a_group_takes_the_class_of_its_labels():
    X, y = make_circles(200, random_state=1)
    partial = np.full(len(y), -1)
    partial[np.flatnonzero(y == 0)[:3]] = 0
    partial[np.flatnonzero(y == 1)[:1]] = 1
    labeled_rows, codes = labels_from_groups(X, *_codes(partial))
    np.testing.assert_array_equal(labeled_rows, np.arange(len(y)))
    np.testing.assert_array_equal(codes, y)


def test_a_group_whose_labels_disagree_leaves_the_labels_as_given():
    X, y = make_circles(200, random_state=0)
    partial = _one_label_per_class(y)
    inner = np.flatnonzero(y == 1)
    partial[inner[50]] = 0  # a label of the outer ring's class inside the inner ring
    given = _codes(partial)
    labeled_rows, codes = labels_from_groups(X, *given)
    np.testing.assert_array_equal(labeled_rows, given[0])
    np.testing.assert_array_equal(codes, given[1])


def test_groups_that_more_neighbours_join_are_not_groups():
    # Two rows of points one apart, 2.5 apart from each other: two groups with two
    # neighbours each, one with four.
    X = np.concatenate([np.arange(10.0), np.arange(10.0) + 11.5])[:, None]
    partial = np.full(20, -1)
    partial[[0, 19]] = [0, 1]
    given = _codes(partial)
    labeled_rows, codes = labels_from_groups(X, *given)
    np.testing.assert_array_equal(labeled_rows, given[0])
    # Farther apart, the same rows are two groups.
    X[10:] += 10
    labeled_rows, codes = labels_from_groups(X, *given)
    np.testing.assert_array_equal(codes, np.repeat([0, 1], 10))


def test_two_noisy_moons_are_labeled_from_one_label_each():
    # Noisy rows bridge the gap between the moons; without the sparsest tenth it
    # shows. The sparse rows then take the class of the moon nearest them.
    X, y = make_moons(300, noise=0.1, random_state=0)
    partial = _one_label_per_class(y)
    labeled_rows, codes = labels_from_groups(X, *_codes(partial))
    np.testing.assert_array_equal(labeled_rows, np.arange(len(y)))
    assert (codes == y).mean() >= 0.99


def test_groups_are_looked_for_with_more_neighbours_where_few_leave_small_pieces():
    # Among these moons' densest rows two neighbours leave pieces too small to
    # count as groups; five find the two moons.
    X, y = make_moons(300, noise=0.1, random_state=4)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    labeled_rows, codes = labels_from_groups(X, *_codes(_one_label_per_class(y)))
    np.testing.assert_array_equal(labeled_rows, np.arange(len(y)))
    assert (codes == y).mean() >= 0.98


def test_a_class_whose_labels_all_lie_outside_the_groups_leaves_the_labels_as_given():
    # Both moons hold a label of class 0; the one label of class 1 is on the row
    # farthest from its neighbours, outside every group.
    X, y = make_moons(300, noise=0.1, random_state=0)
    partial = np.full(len(y), -1)
    partial[[np.flatnonzero(y == 0)[0], np.flatnonzero(y == 1)[0]]] = 0
    distances, _ = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X)
    partial[np.argmax(distances[:, -1])] = 1
    given = _codes(partial)
    labeled_rows, codes = labels_from_groups(X, *given)
    np.testing.assert_array_equal(labeled_rows, given[0])
    np.testing.assert_array_equal(codes, given[1])


def test_labels_outside_the_groups_are_kept():
    X, y = make_moons(300, noise=0.1, random_state=0)
    partial = _one_label_per_class(y)
    distances, _ = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X)
    loneliest = np.argmax(distances[:, -1])
    partial[loneliest] = 1 - y[loneliest]
    labeled_rows, codes = labels_from_groups(X, *_codes(partial))
    assert len(labeled_rows) > 0.8 * len(y)
    assert codes[np.searchsorted(labeled_rows, loneliest)] == 1 - y[loneliest]


def test_a_large_group_without_labels_is_given_no_class():
    # Two clusters per class, one label per class: a quarter of the rows stand apart
    # with no label over several neighbour counts before more neighbours join them to
    # a cluster of the other class. Which class they are, no label says.
    X, y = make_classification(
        1000, 2, n_informative=2, n_redundant=0, n_clusters_per_class=2, class_sep=2.0,
        random_state=0,
    )  # fmt: skip
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    partial = np.full(len(y), -1)
    rng = np.random.default_rng(0)
    for label in (0, 1):
        partial[rng.choice(np.flatnonzero(y == label))] = label
    given = _codes(partial)
    labeled_rows, codes = labels_from_groups(X, *given)
    np.testing.assert_array_equal(labeled_rows, given[0])
    np.testing.assert_array_equal(codes, given[1])


def test_rows_in_one_connected_cloud_keep_their_labels():
    X = np.random.default_rng(0).normal(size=(300, 2))
    y = (X[:, 0] > 0).astype(int)
    model = SGANClassifier(**TINY, random_state=0).fit(X, _one_label_per_class(y))
    assert model.n_labeled_by_groups_ == 0


def test_a_saved_model_keeps_the_count_of_rows_labeled_by_groups(tmp_path):
    X, y = make_circles(200, random_state=0)
    model = SGANClassifier(**TINY, random_state=0).fit(X, _one_label_per_class(y))
    model.save(tmp_path / "circles.sgan")
    loaded = load(tmp_path / "circles.sgan")
    assert loaded.n_labeled_by_groups_ == model.n_labeled_by_groups_ == len(y) - 2
