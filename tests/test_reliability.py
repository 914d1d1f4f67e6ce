"""Reliability: bad input, odd data, divergence, interruption, warm start,
persistence, batched and concurrent prediction, and random small data sets."""

import copy
import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback, EarlyStopping

from sgan_sklearn import SGANClassifier
from tests._helpers import (
    SMALL,
    TINY,
    InterruptInEpoch,
    RecordStartWeights,
    assert_valid_proba,
    three_blobs,
)


@pytest.fixture(scope="module")
def data(blobs):
    return blobs


# ----- bad input ----------------------------------------------------------
def _with(X, row, value):
    X = X.astype(np.float64)
    X[row, 0] = value
    return X


def _labels_where_labeled(y, values):
    y = y.astype(object)
    y[y != -1] = values[: int(np.sum(y != -1))]
    return y


X0, Y0 = three_blobs()
N_LABELED = int(np.sum(Y0 != -1))
BAD_FIT_INPUTS = {
    "nan in X": (_with(X0, 3, np.nan), Y0, "contains NaN"),
    "inf in X": (_with(X0, 3, np.inf), Y0, "contains infinity"),
    "empty X": (X0[:0], Y0[:0], "0 sample"),
    "y of another length": (X0, Y0[:-1], "inconsistent numbers of samples"),
    "2-D y": (X0, np.c_[Y0, Y0], "y should be a 1d array"),
    "every row -1": (X0, np.full(len(Y0), -1), "no labeled rows"),
    "one labeled class": (X0, np.where(Y0 == -1, -1, 7), r"only one class \(7\)"),
    "str array with -1": (X0, np.array(["a", "b", "-1"] * 20), "object array"),
    "non-whole float labels": (X0, np.where(Y0 == -1, -1.0, Y0 + 0.5), "whole values"),
    "complex X": (X0 + 1j, Y0, "Complex data not supported"),
    "complex y": (X0, Y0 + 1j, "Complex data not supported"),
    "str and int labels": (
        X0,
        _labels_where_labeled(Y0, np.array(["a", 1] * N_LABELED, dtype=object)),
        "mixes label types",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FIT_INPUTS))
def test_bad_fit_input_is_a_clear_value_error(case):
    X, y, match = BAD_FIT_INPUTS[case]
    with pytest.raises(ValueError, match=match):
        SGANClassifier(**TINY).fit(X, y)


@pytest.mark.parametrize("name", ["hidden_layer_sizes", "generator_layer_sizes"])
@pytest.mark.parametrize("sizes", [(0,), (8, -1), (2.5,), (True,)])
def test_bad_layer_widths_are_a_clear_value_error(name, sizes):
    X, y = three_blobs()
    with pytest.raises(ValueError, match=f"{name} must hold positive integer layer widths"):
        SGANClassifier(**{**TINY, name: sizes}).fit(X, y)


@pytest.mark.parametrize(
    "make_X, match",
    [
        (lambda X: X[:, :3], "X has 3 features, but SGANClassifier is expecting 4"),
        (lambda X: X[:0], "0 sample"),
        (lambda X: _with(X, 0, np.nan), "contains NaN"),
    ],
    ids=["wrong number of features", "empty X", "nan in X"],
)
def test_bad_predict_input_is_a_clear_value_error(fitted_small, data, make_X, match):
    X, _ = data
    with pytest.raises(ValueError, match=match):
        fitted_small.predict_proba(make_X(X))


# ----- odd but valid data ---------------------------------------------------
@pytest.mark.parametrize(
    "transform",
    [
        lambda X: X * 1e7,
        lambda X: np.c_[X, np.full(len(X), 5.0), np.zeros(len(X))],
        lambda X: np.r_[X, X, X],
    ],
    ids=["huge unscaled values", "constant features", "duplicated rows"],
)
def test_odd_data_trains_normally(data, transform):
    X, y = data
    X = transform(X)
    y = np.resize(y, len(X))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = SGANClassifier(**SMALL, random_state=0).fit(X, y)
    assert clf.termination_condition_ == "max_epochs"
    assert_valid_proba(clf.predict_proba(X), len(X), 3)


# ----- inputs are never mutated ----------------------------------------------
@pytest.mark.parametrize("input_scaling", ["minmax", None])
@pytest.mark.parametrize("kind", ["float32", "float64", "dataframe"])
@pytest.mark.parametrize("label_kind", ["int", "object"])
def test_nothing_passed_is_mutated(data, kind, label_kind, input_scaling):
    X, y = data
    X = pd.DataFrame(X, columns=list("abcd")) if kind == "dataframe" else X.astype(kind)
    if label_kind == "object":
        y = np.array([-1 if v == -1 else f"class {v}" for v in y], dtype=object)
    callbacks = [EarlyStopping(monitor="train_loss", patience=50)]
    X_before, y_before = X.copy(), y.copy()
    callback_state_before = dict(vars(callbacks[0]))
    clf = SGANClassifier(**TINY, callbacks=callbacks, input_scaling=input_scaling, random_state=0)
    clf.fit(X, y)
    clf.predict_proba(X)
    if kind == "dataframe":
        pd.testing.assert_frame_equal(X, X_before)
    else:
        assert X.dtype == X_before.dtype
        np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    assert y.dtype == y_before.dtype
    assert clf.callbacks is callbacks and len(callbacks) == 1
    assert vars(callbacks[0]) == callback_state_before


# ----- divergence and interruption ---------------------------------------------
def test_divergence_warns_and_keeps_finite_weights(data):
    X, y = data
    with pytest.warns(ConvergenceWarning, match="diverged") as caught:
        clf = SGANClassifier(**SMALL, learning_rate=1e6, random_state=0).fit(X, y)
    # The warning names the line that called fit, not scikit-learn's fit wrapper.
    assert caught[0].filename == __file__
    with pytest.warns(ConvergenceWarning, match="diverged") as caught:
        make_pipeline(SGANClassifier(**SMALL, learning_rate=1e6, random_state=0)).fit(X, y)
    assert caught[0].filename == __file__
    assert clf.termination_condition_ == "diverged"
    assert clf.n_iter_ == len(clf.history_) < SMALL["max_epochs"]
    assert_valid_proba(clf.predict_proba(X), len(X), 3)


def test_interruption_keeps_last_completed_epoch(data):
    X, y = data
    params = {**SMALL, "max_epochs": 5}
    with pytest.warns(UserWarning, match="interrupted in epoch 3") as caught:
        clf = SGANClassifier(**params, callbacks=[InterruptInEpoch(3)], random_state=0).fit(X, y)
    assert caught[0].filename == __file__
    assert clf.termination_condition_ == "interrupted"
    assert clf.n_iter_ == 2
    assert len(clf.history_) == 2
    assert all("train_loss" in row for row in clf.history_)
    proba = clf.predict_proba(X)
    assert_valid_proba(proba, len(X), 3)
    # Same seed, stopped after two epochs: a CPU fit is deterministic, so the
    # restored weights are exactly those at the end of epoch 2.
    two_epochs = SGANClassifier(**{**params, "max_epochs": 2}, random_state=0).fit(X, y)
    np.testing.assert_array_equal(proba, two_epochs.predict_proba(X))
    np.testing.assert_array_equal(clf.transduction_, two_epochs.transduction_)


# ----- warm start ----------------------------------------------------------------
def _weights_equal(first, second):
    return first.keys() == second.keys() and all(torch.equal(first[k], second[k]) for k in first)


def test_warm_start_continues_from_current_weights(data):
    X, y = data
    clf = SGANClassifier(
        **SMALL, warm_start=True, callbacks=[RecordStartWeights()], random_state=0
    ).fit(X, y)
    end_of_first_fit = copy.deepcopy(clf.net_.module_.state_dict())
    clf.set_params(max_epochs=1).fit(X, y)
    assert clf.n_iter_ == len(clf.history_) == SMALL["max_epochs"] + 1
    recorder = dict(clf.net_.callbacks_)["RecordStartWeights"]
    assert _weights_equal(recorder.start_weights_, end_of_first_fit)
    assert not _weights_equal(clf.net_.module_.state_dict(), end_of_first_fit)

    clf.set_params(warm_start=False).fit(X, y)
    assert clf.n_iter_ == len(clf.history_) == 1
    recorder = dict(clf.net_.callbacks_)["RecordStartWeights"]
    assert not _weights_equal(recorder.start_weights_, end_of_first_fit)


class RecordSteps(Callback):
    def initialize(self):
        self.steps_ = 0
        return self

    def on_batch_end(self, net, **kwargs):
        self.steps_ += 1


def test_warm_start_applies_the_parameters_changed_since_the_last_fit(data, capsys):
    X, y = data
    clf = SGANClassifier(**SMALL, warm_start=True, random_state=0).fit(X, y)
    changed = dict(
        learning_rate=1e-4,
        generator_optimizer__lr=2e-4,
        optimizer__betas=(0.7, 0.999),
        optimizer__eps=1e-6,
        input_noise=0.05,
        hidden_noise=0.1,
        train__catch_up_steps=1,
        train__catch_up_threshold=10.0,
        unsupervised_weight=0.5,
        generator_loss="non_saturating",
        averaging_decay=0.5,
        batch_size=10,
        train__labeled_batch_size=4,
        train__min_steps_per_epoch=7,
        verbose=1,
        callbacks=[("steps", RecordSteps())],
        max_epochs=1,
    )
    clf.set_params(**changed).fit(X, y)
    net = clf.net_
    assert [g["lr"] for g in net.optimizer_.param_groups] == [1e-4]
    assert [g["lr"] for g in net.optimizer_generator_.param_groups] == [2e-4]
    for optimizer in (net.optimizer_, net.optimizer_generator_):
        assert optimizer.param_groups[0]["betas"][0] == 0.7
        assert optimizer.param_groups[0]["eps"] == 1e-6
    assert net.module_.input_noise.std == 0.05
    assert {layer.std for layer in net.module_.hidden_noise} == {0.1}
    assert net.average_module_.decay == 0.5
    # The new callback ran for the new number of steps; catch-up always triggered.
    assert dict(net.callbacks_)["steps"].steps_ == 7
    last_epoch = clf.history_[-1]
    assert {b["generator_steps"] for b in last_epoch["batches"]} == {2}
    assert (net.generator_loss, net.unsupervised_weight) == ("non_saturating", 0.5)
    assert (net.batch_size, net.labeled_batch_size) == (10, 4)
    assert "train_loss" in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, value",
    [
        ("hidden_layer_sizes", (8,)),
        ("generator_layer_sizes", (16, 16)),
        ("generator__latent_dim", 3),
        ("input_scaling", "minmax"),
        ("train__generator_start", "data_mean"),
        ("train__initialize_with_noise", True),
    ],
)
def test_warm_start_refuses_parameters_that_need_new_networks(fitted_small, data, name, value):
    X, y = data
    clf = copy.deepcopy(fitted_small).set_params(warm_start=True, **{name: value})
    message = rf"{name} from .* to {re.escape(repr(value))}.*warm_start=False"
    with pytest.raises(ValueError, match=message):
        clf.fit(X, y)
    assert clf.n_iter_ == fitted_small.n_iter_
    clf.set_params(warm_start=False).fit(X, y)
    assert clf.get_params()[name] == value


# ----- prediction in batches and from threads -------------------------------------
def test_predictions_do_not_depend_on_row_order_or_batch_composition():
    # The default networks, where float32 inference once gave probabilities that
    # moved by ~4e-7 with the rows that shared a batch.
    X, y = three_blobs(n_features=20)
    clf = SGANClassifier(max_epochs=1, train__min_steps_per_epoch=3, random_state=0).fit(X, y)
    X_new = np.random.default_rng(1).normal(size=(3000, 20)) * 3
    proba = clf.predict_proba(X_new)
    assert_valid_proba(proba, 3000, 3)
    order = np.random.default_rng(2).permutation(3000)
    in_sevens = np.concatenate([clf.predict_proba(X_new[i : i + 7]) for i in range(0, 3000, 7)])
    for other in (clf.predict_proba(X_new[order])[np.argsort(order)], in_sevens):
        np.testing.assert_allclose(other, proba, rtol=1e-12, atol=1e-15)


def test_predict_proba_from_threads(fitted_small):
    X = np.random.default_rng(2).normal(size=(3000, 4)) * 3
    expected = fitted_small.predict_proba(X)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: fitted_small.predict_proba(X), range(20)))
    for result in results:
        np.testing.assert_array_equal(result, expected)


# ----- random small data sets -------------------------------------------------------
@st.composite
def small_datasets(draw):
    n_rows = draw(st.integers(6, 40))
    n_features = draw(st.integers(1, 6))
    n_classes = draw(st.integers(2, 4))
    dtype = draw(st.sampled_from(["float32", "float64", "int64"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e4]))
    X = (rng.normal(size=(n_rows, n_features)) * scale).astype(dtype)
    y = rng.integers(0, n_classes, size=n_rows)
    y[rng.random(n_rows) < draw(st.floats(0.0, 0.9))] = -1
    if draw(st.booleans()):
        y = np.array([-1 if v == -1 else f"c{v}" for v in y], dtype=object)
    if draw(st.booleans()):
        X = pd.DataFrame(X, columns=[f"f{i}" for i in range(n_features)])
    return X, y


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_datasets())
def test_random_small_data_sets(dataset):
    X, y = dataset
    labeled = [v for v in y if not (isinstance(v, int | np.integer) and v == -1)]
    assume(len(set(labeled)) >= 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = clone(SGANClassifier(**TINY, random_state=0)).fit(X, y)
    proba = clf.predict_proba(X)
    assert_valid_proba(proba, len(y), len(clf.classes_))
    assert -1 not in list(clf.classes_)
    assert set(clf.classes_) == set(labeled)
    np.testing.assert_array_equal(clf.transduction_, clf.predict(X))
    reversed_rows = X.iloc[::-1] if isinstance(X, pd.DataFrame) else X[::-1]
    np.testing.assert_allclose(clf.predict_proba(reversed_rows), proba[::-1], rtol=1e-12)
