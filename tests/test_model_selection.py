import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import uniform
from sklearn.datasets import load_digits
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, get_scorer, log_loss, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    cross_val_score,
    cross_validate,
)
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier
from threadpoolctl import threadpool_limits

from sgan_sklearn import SGANClassifier
from sgan_sklearn.model_selection import SemiSupervisedStratifiedKFold, labeled_scorer

LABELED_FRACTION = 0.1


@pytest.fixture(scope="module", autouse=True)
def single_threaded_blas():
    # These models are small: BLAS threads only add overhead, many-fold on a busy machine.
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def digits():
    """Digits scaled to [0, 1] with 10% of the rows labeled and the rest set to -1."""
    X, y = load_digits(return_X_y=True)
    # A seed other than the splitters' 0: the same seed would put every labeled row first in
    # KFold's shuffled order and leave one training fold without labels.
    rng = np.random.RandomState(42)
    labeled = rng.choice(len(y), size=int(LABELED_FRACTION * len(y)), replace=False)
    y_semi = np.full_like(y, -1)
    y_semi[labeled] = y[labeled]
    return X / 16.0, y_semi


def label_spreading():
    return LabelSpreading(kernel="knn", n_neighbors=10)


def self_training():
    # One round of pseudo-labelling keeps each fit fast; later rounds only slow it down.
    return SelfTrainingClassifier(LogisticRegression(), max_iter=1)


@pytest.fixture(scope="module")
def digits_head(digits):
    """The first 700 digits, enough for the slower self-training fits (>= 5 labels a class)."""
    X, y = digits
    return X[:700], y[:700]


def string_labels(y):
    """Turn integer labels into strings in an object array, keeping the integer -1."""
    y_str = np.array([f"digit{label}" for label in y], dtype=object)
    y_str[y == -1] = -1
    return y_str


# SemiSupervisedStratifiedKFold


@pytest.mark.parametrize("shuffle, random_state", [(False, None), (True, 0)])
def test_splitter_folds_test_on_labeled_and_train_on_all_unlabeled(digits, shuffle, random_state):
    X, y = digits
    labeled = np.flatnonzero(y != -1)
    unlabeled = np.flatnonzero(y == -1)
    cv = SemiSupervisedStratifiedKFold(4, shuffle=shuffle, random_state=random_state)

    folds = list(cv.split(X, y))

    assert len(folds) == 4
    for train, test in folds:
        assert np.all(y[test] != -1)
        assert np.isin(unlabeled, train).all()
        assert np.intersect1d(train, test).size == 0
        assert np.union1d(train, test).size == len(y)
    all_test = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(all_test), labeled)


def test_splitter_stratifies_labeled_rows(digits):
    X, y = digits
    cv = SemiSupervisedStratifiedKFold(5)
    classes = np.unique(y[y != -1])

    counts = np.array([[np.sum(y[test] == cls) for cls in classes] for _, test in cv.split(X, y)])

    # StratifiedKFold's guarantee: a class's count varies by at most one between test folds.
    assert np.all(counts.max(axis=0) - counts.min(axis=0) <= 1)
    assert np.all(counts >= 1)


def test_splitter_shuffle_is_reproducible_with_random_state(digits):
    X, y = digits

    def test_folds(cv):
        return [test for _, test in cv.split(X, y)]

    first = test_folds(SemiSupervisedStratifiedKFold(3, shuffle=True, random_state=1))
    again = test_folds(SemiSupervisedStratifiedKFold(3, shuffle=True, random_state=1))
    other = test_folds(SemiSupervisedStratifiedKFold(3, shuffle=True, random_state=2))
    unshuffled = test_folds(SemiSupervisedStratifiedKFold(3))

    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, unshuffled, strict=True))


def test_splitter_get_n_splits():
    assert SemiSupervisedStratifiedKFold().get_n_splits() == 5
    assert SemiSupervisedStratifiedKFold(3).get_n_splits(np.zeros((6, 1)), np.zeros(6)) == 3


@pytest.mark.parametrize(
    "to_labels",
    [
        pytest.param(lambda y: y, id="int"),
        pytest.param(lambda y: y.astype(float), id="float"),
        pytest.param(string_labels, id="object-str"),
        pytest.param(lambda y: pd.Series(string_labels(y)), id="series"),
    ],
)
def test_splitter_recognises_unlabeled_rows_of_any_dtype(digits, to_labels):
    X, y = digits
    labels = to_labels(y)
    cv = SemiSupervisedStratifiedKFold(3)

    expected = [(train, test) for train, test in cv.split(X, y)]
    folds = list(cv.split(X, labels))

    for (train, test), (expected_train, expected_test) in zip(folds, expected, strict=True):
        assert np.array_equal(train, expected_train)
        assert np.array_equal(test, expected_test)


def test_splitter_treats_the_string_minus_one_as_a_label():
    y = np.array(["-1", "-1", "a", "a", -1, -1], dtype=object)

    tests = [test for _, test in SemiSupervisedStratifiedKFold(2).split(np.zeros(6), y)]

    assert np.array_equal(np.sort(np.concatenate(tests)), [0, 1, 2, 3])


def test_string_minus_one_in_a_fixed_width_array_is_refused_as_by_fit():
    # One -1 rule for the estimator and the model-selection tools: "-1" in a '<U'
    # array is ambiguous (a class named "-1" or an unlabeled row?), so both refuse it.
    X = np.zeros((6, 1))
    y = np.array(["a", "a", "b", "b", "-1", "-1"])
    with pytest.raises(ValueError, match="object array"):
        list(SemiSupervisedStratifiedKFold(2).split(X, y))
    with pytest.raises(ValueError, match="object array"):
        labeled_scorer("accuracy")(LogisticRegression(), X, y)
    with pytest.raises(ValueError, match="object array"):
        SGANClassifier(max_epochs=1).fit(X, y)


def test_splitter_treats_fixed_width_strings_as_all_labeled():
    y = np.array(["a", "a", "b", "b"])

    tests = [test for _, test in SemiSupervisedStratifiedKFold(2).split(np.zeros(4), y)]

    assert np.array_equal(np.sort(np.concatenate(tests)), np.arange(4))


@pytest.mark.parametrize(
    "y, match",
    [
        pytest.param(
            ["a", "a", "a", "b", "b", -1],
            r"\(class 'b': 2\)\. Either use n_splits<=2 or label more rows",
            id="fewer-splits-possible",
        ),
        pytest.param(
            ["a", "a", "a", "b", "c", -1],
            r"\(class 'b': 1, class 'c': 1\)\. Either label more rows",
            id="only-more-labels-help",
        ),
    ],
)
def test_splitter_error_names_the_classes_with_too_few_labels(y, match):
    y = np.array(y, dtype=object)

    with pytest.raises(ValueError, match=match):
        list(SemiSupervisedStratifiedKFold(3).split(np.zeros(len(y)), y))


def test_splitter_error_without_labeled_rows():
    with pytest.raises(ValueError, match="y has no labeled rows"):
        list(SemiSupervisedStratifiedKFold(2).split(np.zeros(4), np.full(4, -1)))


def test_splitter_error_without_y():
    with pytest.raises(ValueError, match="got y=None"):
        list(SemiSupervisedStratifiedKFold(2).split(np.zeros(4), None))


def test_splitter_warns_that_groups_are_ignored():
    y = np.array([0, 0, 1, 1, -1])

    with pytest.warns(UserWarning, match="groups parameter is ignored"):
        list(SemiSupervisedStratifiedKFold(2).split(np.zeros(5), y, groups=np.arange(5)))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_splits": 1}, "n_splits=2 or more"),
        ({"random_state": 0}, "set shuffle=True"),
    ],
)
def test_splitter_rejects_invalid_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        SemiSupervisedStratifiedKFold(**params)


def test_splitter_repr():
    assert repr(SemiSupervisedStratifiedKFold(3, shuffle=True, random_state=0)) == (
        "SemiSupervisedStratifiedKFold(n_splits=3, random_state=0, shuffle=True)"
    )


# labeled_scorer


def test_cross_val_score_label_spreading_f1_macro(digits):
    X, y = digits

    scores = cross_val_score(
        label_spreading(),
        X,
        y,
        cv=SemiSupervisedStratifiedKFold(3),
        scoring=labeled_scorer("f1_macro"),
        error_score="raise",
    )

    assert scores.shape == (3,)
    assert scores.mean() > 0.8


def test_labeled_scorer_scores_only_labeled_rows_of_plain_kfold(digits):
    X, y = digits
    scorer = labeled_scorer("accuracy")
    plain = get_scorer("accuracy")

    for train, test in KFold(3, shuffle=True, random_state=0).split(X, y):
        model = label_spreading().fit(X[train], y[train])
        labeled = test[y[test] != -1]
        expected = accuracy_score(y[labeled], model.predict(X[labeled]))

        assert scorer(model, X[test], y[test]) == pytest.approx(expected)
        # Without the wrapper, every unlabeled test row counts as a wrong prediction.
        assert plain(model, X[test], y[test]) < 0.5 * expected


def test_labeled_scorer_neg_log_loss_with_plain_kfold(digits):
    X, y = digits
    cv = KFold(3, shuffle=True, random_state=0)

    scores = cross_val_score(
        label_spreading(), X, y, cv=cv, scoring=labeled_scorer("neg_log_loss"), error_score="raise"
    )

    assert np.all(np.isfinite(scores))
    assert np.all(scores < 0)
    # The plain scorer sees -1 as an eleventh class that predict_proba has no column for.
    with pytest.raises(ValueError, match="y_true and y_prob contain different number of classes"):
        cross_val_score(
            label_spreading(), X, y, cv=cv, scoring="neg_log_loss", error_score="raise"
        )


def test_labeled_scorer_passes_estimator_classes_when_fold_misses_a_class(digits):
    X, y = digits
    model = label_spreading().fit(X, y)
    has_low_digit = np.isin(y, [-1, 0, 1, 2, 3, 4])
    X_fold, y_fold = X[has_low_digit], y[has_low_digit]
    labeled = y_fold != -1
    expected = -log_loss(
        y_fold[labeled], model.predict_proba(X_fold[labeled]), labels=model.classes_
    )

    assert labeled_scorer("neg_log_loss")(model, X_fold, y_fold) == pytest.approx(expected)
    # scikit-learn's own scorer infers the classes from the fold and fails.
    with pytest.raises(ValueError, match="different number of classes"):
        get_scorer("neg_log_loss")(model, X_fold[labeled], y_fold[labeled])


def test_labeled_scorer_roc_auc_ovr(digits):
    X, y = digits

    scores = cross_val_score(
        label_spreading(),
        X,
        y,
        cv=SemiSupervisedStratifiedKFold(3),
        scoring=labeled_scorer("roc_auc_ovr"),
        error_score="raise",
    )

    assert scores.mean() > 0.95


def test_labeled_scorer_roc_auc_ovr_is_nan_when_fold_misses_a_class(digits):
    X, y = digits
    model = label_spreading().fit(X, y)
    has_low_digit = np.isin(y, [-1, 0, 1, 2, 3, 4])

    # One-versus-rest AUC is undefined for an absent class; the columns still line up.
    with pytest.warns(UndefinedMetricWarning, match="Only one class"):
        score = labeled_scorer("roc_auc_ovr")(model, X[has_low_digit], y[has_low_digit])

    assert np.isnan(score)


def record_labels(y_true, y_response, labels=None):
    """Metric that reports the `labels` it was given, to check what the scorer passes."""
    record_labels.seen = labels
    return 0.0


@pytest.mark.parametrize(
    "response_method, user_labels, expected",
    [
        pytest.param("predict_proba", None, "classes_", id="proba-gets-classes"),
        pytest.param("predict_proba", [3, 1], [3, 1], id="user-labels-kept"),
        pytest.param("predict", None, None, id="predict-untouched"),
    ],
)
def test_labeled_scorer_passes_labels_only_to_class_column_metrics(
    digits, response_method, user_labels, expected
):
    X, y = digits
    model = label_spreading().fit(X, y)
    kwargs = {} if user_labels is None else {"labels": user_labels}
    scorer = make_scorer(record_labels, response_method=response_method, **kwargs)

    labeled_scorer(scorer)(model, X, y)

    if expected == "classes_":
        assert np.array_equal(record_labels.seen, model.classes_)
    else:
        assert record_labels.seen == expected


@pytest.mark.parametrize(
    "to_container",
    [
        pytest.param(pd.DataFrame, id="dataframe"),
        pytest.param(sparse.csr_matrix, id="csr"),
    ],
)
def test_labeled_scorer_slices_any_container(digits, to_container):
    X, y = digits
    model = label_spreading().fit(X, y)
    scorer = labeled_scorer("accuracy")

    score = scorer(model, to_container(X[:300]), pd.Series(y[:300]))

    assert score == pytest.approx(scorer(model, X[:300], y[:300]))


def test_labeled_scorer_wraps_any_callable(digits):
    X, y = digits
    model = label_spreading().fit(X, y)
    seen = {}

    def spy(estimator, X_scored, y_scored):
        seen["X"], seen["y"] = X_scored, y_scored
        return 1.0

    assert labeled_scorer(spy)(model, X[:200], y[:200]) == 1.0
    assert np.array_equal(seen["y"], y[:200][y[:200] != -1])
    assert np.array_equal(seen["X"], X[:200][y[:200] != -1])


def test_labeled_scorer_error_on_fold_without_labeled_rows(digits):
    X, y = digits
    model = label_spreading().fit(X, y)
    unlabeled = y == -1

    with pytest.raises(ValueError, match="test fold has no labeled rows"):
        labeled_scorer("accuracy")(model, X[unlabeled], y[unlabeled])


@pytest.mark.parametrize(
    "scoring, error, match",
    [
        (3, TypeError, "scoring must be a scorer name"),
        ("no_such_metric", ValueError, "not a valid scoring value"),
    ],
)
def test_labeled_scorer_rejects_invalid_scoring(scoring, error, match):
    with pytest.raises(error, match=match):
        labeled_scorer(scoring)


def test_labeled_scorer_repr():
    assert repr(labeled_scorer("f1_macro")) == "labeled_scorer('f1_macro')"
    assert repr(labeled_scorer(get_scorer("accuracy"))) == (
        "labeled_scorer(make_scorer(accuracy_score, response_method='predict'))"
    )


def test_labeled_scorer_survives_pickling(digits):
    X, y = digits
    model = label_spreading().fit(X, y)
    scorer = labeled_scorer("neg_log_loss")

    restored = pickle.loads(pickle.dumps(scorer))

    assert repr(restored) == repr(scorer)
    assert restored(model, X, y) == scorer(model, X, y)


# Use inside scikit-learn's model selection tools


def test_object_string_labels_with_self_training(digits_head):
    X, y = digits_head
    y_str = string_labels(y)

    scores = cross_val_score(
        self_training(),
        X,
        y_str,
        cv=SemiSupervisedStratifiedKFold(3),
        scoring=labeled_scorer("accuracy"),
        error_score="raise",
    )

    assert scores.mean() > 0.7


def test_cross_validate_self_training_with_several_scorers(digits_head):
    X, y = digits_head
    scoring = {"accuracy": labeled_scorer("accuracy"), "log_loss": labeled_scorer("neg_log_loss")}

    results = cross_validate(
        self_training(),
        X,
        y,
        cv=SemiSupervisedStratifiedKFold(3),
        scoring=scoring,
        return_train_score=True,
        error_score="raise",
    )

    assert results["test_accuracy"].mean() > 0.7
    assert np.all(np.isfinite(results["test_log_loss"]))
    assert np.all(results["train_accuracy"] >= results["test_accuracy"])


def test_grid_search_label_spreading(digits):
    X, y = digits
    search = GridSearchCV(
        label_spreading(),
        {"n_neighbors": [10, 15]},
        cv=SemiSupervisedStratifiedKFold(3),
        scoring=labeled_scorer("accuracy"),
        error_score="raise",
    )

    search.fit(X, y)

    assert search.best_params_["n_neighbors"] in (10, 15)
    assert search.best_score_ > 0.8
    assert search.n_splits_ == 3


def test_randomized_search_self_training(digits_head):
    X, y = digits_head
    search = RandomizedSearchCV(
        self_training(),
        {"threshold": uniform(0.6, 0.35)},
        n_iter=2,
        cv=SemiSupervisedStratifiedKFold(3, shuffle=True, random_state=0),
        scoring=labeled_scorer("f1_macro"),
        random_state=0,
        error_score="raise",
    )

    search.fit(X, y)

    assert len(search.cv_results_["params"]) == 2
    assert search.best_score_ > 0.7
