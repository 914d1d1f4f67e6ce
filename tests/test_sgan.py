"""Behaviour of SGANClassifier on the iris probes (30% labeled) and the -1 convention."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sgan_sklearn import SGANClassifier
from sgan_sklearn._net import SemiSupervisedData
from sgan_sklearn._scaling import scaled as scale
from tests._helpers import (
    ACCURATE,
    SMALL,
    TINY,
    RecordLearningRates,
    assert_valid_proba,
    three_blobs,
)


@pytest.fixture(scope="module")
def fitted_iris(iris):
    """An ACCURATE fit on the iris probes; tests must not change it."""
    X, y, _ = iris
    return SGANClassifier(**ACCURATE, random_state=0).fit(X, y)


def test_classes_exclude_unlabeled_marker(fitted_iris):
    np.testing.assert_array_equal(fitted_iris.classes_, [0, 1, 2])


def test_predict_proba_shape_and_sums(fitted_iris, iris):
    X, _, _ = iris
    assert_valid_proba(fitted_iris.predict_proba(X), len(X), 3)


@pytest.mark.slow
def test_accuracy_on_iris(fitted_iris, iris):
    X, _, y_true = iris
    assert fitted_iris.score(X, y_true) >= 0.85


def test_score_ignores_unlabeled_rows(fitted_iris, iris):
    X, y, y_true = iris
    labeled = y != -1
    expected = np.mean(fitted_iris.predict(X[labeled]) == y_true[labeled])
    assert fitted_iris.score(X, y) == pytest.approx(expected)
    with pytest.raises(ValueError, match="at least one labeled row"):
        fitted_iris.score(X, np.full(len(X), -1))


def test_fitted_attributes(fitted_iris, iris):
    X, _, _ = iris
    assert fitted_iris.n_features_in_ == 4
    assert fitted_iris.transduction_.shape == (len(X),)
    np.testing.assert_array_equal(fitted_iris.transduction_, fitted_iris.predict(X))
    # The training rows' class distributions, as LabelSpreading's attribute.
    distributions = fitted_iris.label_distributions_
    assert distributions.shape == (len(X), 3)
    np.testing.assert_allclose(distributions.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(distributions, fitted_iris.predict_proba(X), rtol=1e-12, atol=0)
    np.testing.assert_array_equal(
        fitted_iris.classes_[distributions.argmax(axis=1)], fitted_iris.transduction_
    )
    assert fitted_iris.n_iter_ == ACCURATE["max_epochs"] == len(fitted_iris.history_)
    assert fitted_iris.termination_condition_ == "max_epochs"
    assert {"train_loss", "generator_loss", "labeled_accuracy"} <= set(fitted_iris.history_[-1])
    assert isinstance(fitted_iris.discriminator_, torch.nn.Module)
    noise = fitted_iris.generator_.sample_noise(5, "cpu")
    assert fitted_iris.generator_.eval()(noise).shape == (5, 4)


def test_same_seed_same_predictions_and_global_rng_untouched(iris):
    X, y, _ = iris
    torch_state = torch.get_rng_state()
    # The global numpy state is what is under test here.
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002
    first = SGANClassifier(**ACCURATE, random_state=3).fit(X, y).predict_proba(X)
    second = SGANClassifier(**ACCURATE, random_state=3).fit(X, y).predict_proba(X)
    other = SGANClassifier(**ACCURATE, random_state=4).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)
    assert torch.equal(torch.get_rng_state(), torch_state)
    numpy_after = np.random.get_state()[1]  # noqa: NPY002
    np.testing.assert_array_equal(numpy_after, numpy_state)


def test_object_labels_with_unlabeled_marker(fitted_iris, iris):
    X, y, _ = iris
    names = np.array(["setosa", "versicolor", "virginica"], dtype=object)
    y_obj = np.where(y == -1, -1, names[np.clip(y, 0, 2)]).astype(object)
    clf = SGANClassifier(**ACCURATE, random_state=0).fit(X, y_obj)
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    # Same seed, same label codes: the same fit as with integer labels, renamed.
    np.testing.assert_array_equal(clf.predict(X), names[fitted_iris.predict(X)])


def test_images_get_an_error_that_says_how_to_flatten_them(fitted_iris, iris):
    X, y, _ = iris
    images = X.reshape(len(X), 2, 2)
    with pytest.raises(ValueError, match=r"shape \(150, 2, 2\).*X.reshape\(len\(X\), -1\)"):
        SGANClassifier(**ACCURATE).fit(images, y)
    with pytest.raises(ValueError, match=r"shape \(150, 2, 2\)"):
        fitted_iris.predict_proba(images)
    # The fix the message suggests, inside a pipeline, gives the flat fit's result.
    flatten = FunctionTransformer(lambda A: A.reshape(len(A), -1))
    pipe = make_pipeline(flatten, SGANClassifier(**ACCURATE, random_state=0)).fit(images, y)
    np.testing.assert_allclose(pipe.predict_proba(images), fitted_iris.predict_proba(X), rtol=1e-6)


@pytest.mark.slow
def test_pipeline_cross_val_and_grid_search_with_unlabeled_test_rows(iris):
    X, y, _ = iris
    pipe = make_pipeline(StandardScaler(), SGANClassifier(**ACCURATE, random_state=0))
    # Stratifying on y puts -1 rows in every test fold; score() ignores them.
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(pipe, X, y, cv=cv)
    assert scores.mean() > 0.7
    search = GridSearchCV(pipe, {"sganclassifier__hidden_noise": [0.3, 0.5]}, cv=cv)
    search.fit(X, y)
    assert search.best_score_ > 0.7
    assert clone(search.best_estimator_).get_params()["sganclassifier__hidden_noise"] in (0.3, 0.5)


def test_pandas_feature_names_are_kept(iris):
    X, y, _ = iris
    frame = pd.DataFrame(X, columns=["sepal_l", "sepal_w", "petal_l", "petal_w"])
    clf = SGANClassifier(**ACCURATE, random_state=0).fit(frame, y)
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)
    assert clf.predict(frame).shape == (len(frame),)


def test_sparse_input_matches_its_dense_scaled_form(iris):
    X, y, _ = iris
    X_sparse = sparse.csr_matrix(X)
    clf = SGANClassifier(**ACCURATE, random_state=0).fit(X_sparse, y)
    proba = clf.predict_proba(X_sparse)
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=1e-5)
    # Sparse input is scaled without centring, which would densify it.
    assert clf.scaler_.with_mean is False


def test_standard_scaling_floors_rare_features():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    X[:, 2] = 0.0
    X[:1, 2] = 1.0  # a rare feature: plain standardisation maps this 1 to 14
    y = np.where(np.arange(200) < 20, np.arange(200) % 2, -1)
    clf = SGANClassifier(**ACCURATE, random_state=0).fit(X, y)
    assert np.abs(clf.scaler_.transform(X)).max() < 10
    minmax = SGANClassifier(**ACCURATE, input_scaling="minmax", random_state=0).fit(X, y)
    assert type(minmax.scaler_).__name__ == "MinMaxScaler"


def test_standard_scaling_brings_features_in_any_units_to_unit_variance():
    # A column in large units (wine's proline) must not squash the others.
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(200, 3)) * [1000.0, 1.0, 0.01] + [5000.0, 0.0, 3.0]
    y = np.where(np.arange(200) < 20, np.arange(200) % 2, -1)
    clf = SGANClassifier(**TINY, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.scaler_.transform(X).std(axis=0), 1.0, rtol=1e-6)


@pytest.mark.parametrize("input_scaling", ["standard", "minmax", None])
@pytest.mark.parametrize("is_sparse", [False, True])
def test_generated_rows_stay_in_the_box_of_the_scaled_data(iris, input_scaling, is_sparse):
    X, y, _ = iris
    if is_sparse:
        X = sparse.csr_matrix(np.where(X > 3, X, 0.0))
    clf = SGANClassifier(**ACCURATE, input_scaling=input_scaling, random_state=0).fit(X, y)
    scaled = scale(clf.scaler_, X)
    scaled = scaled.toarray() if is_sparse else scaled
    low, high = scaled.min(axis=0), scaled.max(axis=0)
    generator = clf.generator_.eval()
    with torch.no_grad():
        samples = generator(generator.sample_noise(5000, "cpu")).numpy()
    assert np.all(samples >= low - 1e-5) and np.all(samples <= high + 1e-5)
    # A constant feature is generated as that constant.
    constant = high == low
    np.testing.assert_allclose(
        samples[:, constant], np.broadcast_to(low[constant], samples[:, constant].shape), atol=1e-6
    )


@pytest.mark.parametrize("start", ["middle", "data_mean"])
def test_generator_start(start):
    # Features whose means are far from the middle of their range (like MNIST's
    # dark pixels): the first samples sit where generator_start says.
    rng = np.random.default_rng(0)
    X = rng.exponential(size=(500, 4)) * [1, 2, 3, 4]
    y = np.where(np.arange(500) < 40, np.arange(500) % 2, -1)
    clf = SGANClassifier(
        **{**ACCURATE, "max_epochs": 1},
        train__generator_start=start,
        input_scaling="minmax",
        learning_rate=1e-9,
        generator_optimizer__lr=1e-9,
        random_state=0,
    ).fit(X, y)
    generator = clf.generator_.eval()
    with torch.no_grad():
        samples = generator(generator.sample_noise(5000, "cpu")).numpy()
    scaled = scale(clf.scaler_, X)
    middle = (scaled.min(axis=0) + scaled.max(axis=0)) / 2
    target, other = (middle, scaled.mean(0)) if start == "middle" else (scaled.mean(0), middle)
    gap_to_target = np.abs(samples.mean(axis=0) - target)
    assert np.all(gap_to_target < 0.5 * np.abs(other - target))


@pytest.mark.parametrize("architecture", ["mlp", "conv"])
def test_initialize_with_noise_scales_layers_under_the_training_noise(architecture):
    # The first layer's pre-activations on the initialisation rows get unit
    # variance either way; under input noise of std s their variance grows by
    # s**2 (unit-norm weight directions), so 1 / scale**2 grows by s**2.
    X, y = load_digits(return_X_y=True)
    y = np.where(np.arange(len(y)) < 100, y, -1)
    noise = 1.0
    settings = dict(
        **SMALL,
        architecture=architecture,
        input_noise=noise,
        random_state=0,
        **({"image_shape": (1, 8, 8)} if architecture == "conv" else {}),
    )
    variances = []
    for with_noise in (False, True):
        clf = SGANClassifier(**settings, train__initialize_with_noise=with_noise).fit(X, y)
        # Hidden scales are frozen after the initialisation.
        scale = clf.discriminator_.hidden[0].scale.detach().numpy()
        variances.append(np.mean(1 / scale**2))
    growth = variances[1] - variances[0]
    if architecture == "mlp":
        assert growth == pytest.approx(noise**2, rel=0.2)
    else:
        # Zero padding at the image border carries no noise: less growth there.
        assert 0.5 * noise**2 < growth < 1.1 * noise**2


@pytest.mark.parametrize(
    "settings, match",
    [
        ({"architecture": "sgan_original", "image_shape": (1, 8, 8)}, "architecture='sgan_"),
        ({"discriminator": torch.nn.Linear(64, 10)}, "your discriminator has none"),
    ],
)
def test_initialize_with_noise_is_refused_where_it_cannot_take_effect(settings, match):
    X, y = load_digits(return_X_y=True)
    y = np.where(np.arange(len(y)) < 100, y, -1)
    clf = SGANClassifier(**SMALL, **settings, train__initialize_with_noise=True)
    with pytest.raises(ValueError, match=f"train__initialize_with_noise=True shapes.*{match}"):
        clf.fit(X, y)


@pytest.mark.slow
def test_no_unlabeled_rows_trains_normally(iris):
    X, _, y_true = iris
    clf = SGANClassifier(**ACCURATE, random_state=0).fit(X, y_true)
    assert clf.score(X, y_true) > 0.85


@pytest.mark.parametrize("schedule", ["constant", "linear_decay"])
def test_learning_rate_schedule(iris, schedule):
    X, y, y_true = iris
    clf = SGANClassifier(
        **ACCURATE,
        learning_rate_schedule=schedule,
        learning_rate=0.002,
        generator_optimizer__lr=0.004,
        callbacks=[("lr", RecordLearningRates())],
        random_state=0,
    ).fit(X, y)
    rates = np.array(dict(clf.net_.callbacks_)["lr"].rates)
    n_steps = ACCURATE["max_epochs"] * ACCURATE["train__min_steps_per_epoch"]
    assert rates.shape == (n_steps, 2)
    np.testing.assert_allclose(rates[0], [0.002, 0.004])
    if schedule == "constant":
        np.testing.assert_allclose(rates, np.broadcast_to([0.002, 0.004], rates.shape))
    else:
        half = n_steps // 2
        np.testing.assert_allclose(rates[:half], np.broadcast_to([0.002, 0.004], (half, 2)))
        assert np.all(np.diff(rates[half:], axis=0) < 0)
        np.testing.assert_allclose(rates[-1], np.array([0.002, 0.004]) * 2 / n_steps)
        np.testing.assert_allclose(rates[:, 1] / rates[:, 0], 2.0)
    assert clf.score(X, y_true) > 0.8


def _decay_rates(X, y, **params):
    clf = SGANClassifier(
        **{**SMALL, **params},
        learning_rate_schedule="linear_decay",
        callbacks=[("lr", RecordLearningRates())],
        random_state=0,
    )
    return clf, lambda: dict(clf.net_.callbacks_)["lr"].rates


def test_schedule_epochs_spans_warm_started_fits(iris):
    X, y, _ = iris
    whole, whole_rates = _decay_rates(X, y, max_epochs=6, train__schedule_epochs=6)
    whole.fit(X, y)
    pieces, piece_rates = _decay_rates(
        X, y, max_epochs=2, train__schedule_epochs=6, warm_start=True
    )
    rates = []
    for _ in range(3):
        pieces.fit(X, y)
        rates += piece_rates()
    np.testing.assert_allclose(rates, whole_rates())
    assert pieces.n_iter_ == 6 and rates[-1][0] < rates[0][0] / 10
    # Without schedule_epochs every fit restarts the decay at the full rate.
    restarting, restart_rates = _decay_rates(X, y, max_epochs=2, warm_start=True)
    restarting.fit(X, y).fit(X, y).fit(X, y)
    third_fit_starts = 2 * len(restart_rates())
    assert restart_rates()[0][0] == rates[0][0] > rates[third_fit_starts][0]


def test_schedule_epochs_refuses_what_cannot_take_effect(iris):
    X, y, _ = iris
    with pytest.raises(ValueError, match="learning_rate_schedule='linear_decay'"):
        SGANClassifier(**SMALL, train__schedule_epochs=10).fit(X, y)
    clf = SGANClassifier(
        **{**SMALL, "max_epochs": 2},
        learning_rate_schedule="linear_decay",
        train__schedule_epochs=3,
        warm_start=True,
    ).fit(X, y)
    with pytest.raises(ValueError, match=r"epochs 3-4, past train__schedule_epochs=3.*at most 1"):
        clf.fit(X, y)
    assert clf.n_iter_ == 2  # the refused fit trained nothing
    with pytest.raises(ValueError, match="past train__schedule_epochs=1"):
        SGANClassifier(
            **SMALL, learning_rate_schedule="linear_decay", train__schedule_epochs=1
        ).fit(X, y)


def test_decay_start_sets_where_the_decay_begins(iris):
    X, y, _ = iris
    clf, recorded = _decay_rates(X, y, max_epochs=6, train__decay_start=2 / 3, learning_rate=0.003)
    rates = np.array(clf.fit(X, y) and recorded())[:, 0]
    n_steps = len(rates)
    constant = round(n_steps * 2 / 3)
    np.testing.assert_allclose(rates[:constant], 0.003)
    assert np.all(np.diff(rates[constant:]) < 0)
    # Linear from the full rate at two thirds of the steps to 0 after the last.
    step = np.arange(constant, n_steps)
    np.testing.assert_allclose(rates[constant:], 0.003 * (n_steps - step) / (n_steps - constant))
    # train__decay_start=0 decays from the first step.
    early, early_rates = _decay_rates(
        X, y, max_epochs=6, train__decay_start=0.0, learning_rate=0.003
    )
    assert np.all(np.diff(np.array(early.fit(X, y) and early_rates())[:, 0]) < 0)
    with pytest.raises(ValueError, match="train__decay_start=0.25 sets where"):
        SGANClassifier(**SMALL, train__decay_start=0.25).fit(X, y)


def test_adam_betas_reach_each_optimizer(iris):
    X, y, _ = iris
    clf = SGANClassifier(**SMALL, warm_start=True, random_state=0).fit(X, y)
    discriminator = clf.net_.optimizer_.param_groups[0]
    generator = clf.net_.optimizer_generator_.param_groups[0]
    assert discriminator["betas"] == generator["betas"] == (0.5, 0.999)
    first = clf.predict_proba(X)
    # Changed on a warm-started fit, as in the Bad GAN recipe: the generator's
    # first moment off, a slower second moment for both players.
    clf.set_params(optimizer__betas=(0.5, 0.9999), generator_optimizer__betas=(0.0, 0.9999)).fit(
        X, y
    )
    assert clf.net_.optimizer_.param_groups[0]["betas"] == (0.5, 0.9999)
    assert clf.net_.optimizer_generator_.param_groups[0]["betas"] == (0.0, 0.9999)
    # A fresh fit builds the optimizers with them, and they change the training.
    fresh = SGANClassifier(
        **SMALL, optimizer__betas=(0.5, 0.9), generator_optimizer__betas=(0.0, 0.9), random_state=0
    )
    fresh.fit(X, y)
    assert fresh.net_.optimizer_generator_.param_groups[0]["betas"] == (0.0, 0.9)
    assert fresh.net_.optimizer_.param_groups[0]["betas"] == (0.5, 0.9)
    assert not np.allclose(fresh.predict_proba(X), first)


@pytest.mark.parametrize("labeled_batch_size, expected", [(None, 30), (7, 7), (1000, 40)])
def test_labeled_batch_size(iris, labeled_batch_size, expected):
    X, y, y_true = iris
    n_labeled = int((y != -1).sum())
    assert n_labeled == 40
    clf = SGANClassifier(
        **{**ACCURATE, "batch_size": 30},
        train__labeled_batch_size=labeled_batch_size,
        random_state=0,
    ).fit(X, y)
    data = SemiSupervisedData(scale(clf.scaler_, X), np.flatnonzero(y != -1), y[y != -1])
    batches = list(clf.net_.get_iterator(data, training=True))
    assert len(batches) == ACCURATE["train__min_steps_per_epoch"]
    x_unlabeled, x_labeled, y_labeled, x_unlabeled_2, _ = batches[0]
    assert x_unlabeled.shape == x_unlabeled_2.shape == (30, 4)
    assert x_labeled.shape == (expected, 4) and y_labeled.shape == (expected,)
    # Every labeled row comes round: the cycle covers all of them.
    seen = torch.cat([b[1] for b in batches[:20]]).unique(dim=0)
    assert len(seen) == len(np.unique(data.X[data.labeled_rows], axis=0))
    assert clf.score(X, y_true) > 0.8


@pytest.mark.slow
def test_non_saturating_generator_loss(iris):
    X, y, y_true = iris
    clf = SGANClassifier(**ACCURATE, generator_loss="non_saturating", random_state=0).fit(X, y)
    assert clf.score(X, y_true) > 0.8


def test_unavailable_device_is_a_clear_error(iris):
    X, y, _ = iris
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(ValueError, match="CUDA is not available"):
        SGANClassifier(**ACCURATE, device="cuda").fit(X, y)


def test_verbose_prints_one_line_per_epoch(iris, capsys):
    X, y, _ = iris
    SGANClassifier(**{**ACCURATE, "max_epochs": 3}, verbose=1, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    for column in ("train_loss", "generator_loss", "labeled_accuracy", "unsupervised_loss"):
        assert column in header
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 3


def test_silent_by_default(iris, capsys):
    X, y, _ = iris
    SGANClassifier(**{**ACCURATE, "max_epochs": 2}, random_state=0).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_n_threads_applies_inside_fit_and_is_restored(iris):
    from skorch.callbacks import Callback

    class RecordThreads(Callback):
        def on_epoch_end(self, net, **kwargs):
            net.history.record("torch_threads", torch.get_num_threads())

    X, y, _ = iris
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        clf = SGANClassifier(
            **{**ACCURATE, "max_epochs": 1}, n_threads=1, callbacks=[RecordThreads()]
        ).fit(X, y)
        assert clf.history_[-1]["torch_threads"] == 1
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("catch_up_steps", [0, 3])
def test_generator_catches_up_exactly_when_the_discriminator_wins(iris, catch_up_steps):
    X, y, y_true = iris
    # The real-vs-fake loss stays between about 0.6 and 0.85 on this small
    # problem, so a threshold inside that range is crossed both ways.
    threshold = 0.7
    clf = SGANClassifier(
        **{**ACCURATE, "max_epochs": 3},
        train__catch_up_steps=catch_up_steps,
        train__catch_up_threshold=threshold,
        random_state=0,
    ).fit(X, y)
    batches = [batch for epoch in clf.history_ for batch in epoch["batches"]]
    steps = np.array([batch["generator_steps"] for batch in batches])
    below = np.array([batch["unsupervised_loss"] < threshold for batch in batches])
    assert below.any() and not below.all()
    np.testing.assert_array_equal(steps, np.where(below, 1 + catch_up_steps, 1))
    assert clf.score(X, y_true) > 0.8


def test_catch_up_changes_the_generator_only_when_triggered(iris):
    X, y, _ = iris
    params = {**ACCURATE, "max_epochs": 1, "random_state": 0}
    never = SGANClassifier(**params, train__catch_up_threshold=0.0).fit(X, y)
    off = SGANClassifier(**params, train__catch_up_steps=0).fit(X, y)
    always = SGANClassifier(**params, train__catch_up_threshold=1e9).fit(X, y)
    # A threshold of 0 never triggers: the same fit as catch-up turned off.
    for a, b in zip(never.generator_.parameters(), off.generator_.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert (np.array(always.history_[:, "generator_steps"]) == 3).all()
    assert any(
        not torch.equal(a, b)
        for a, b in zip(always.generator_.parameters(), off.generator_.parameters())
    )


def test_pca_pipeline_projects_every_row_and_predicts_from_the_projection():
    # docs/user_guide.md recommends PCA in front for many-feature (image) data:
    # the projection is fitted on all rows, labeled or not, and the estimator
    # (and its generator) then work in the projected space.
    X, y_true = load_digits(return_X_y=True)
    y = np.full_like(y_true, -1)
    for label in range(10):
        y[np.flatnonzero(y_true == label)[:5]] = label
    pipe = make_pipeline(
        PCA(16, random_state=0),
        SGANClassifier(**ACCURATE, input_scaling=None, random_state=0),
    ).fit(X / 16.0, y)
    pca, sgan = pipe[0], pipe[-1]
    assert pca.n_samples_ == len(X)
    assert sgan.n_features_in_ == 16
    assert sgan.generator_(torch.rand(3, ACCURATE["generator__latent_dim"])).shape == (3, 16)
    unlabeled = y == -1
    accuracy = np.mean(pipe.predict(X[unlabeled] / 16.0) == y_true[unlabeled])
    assert accuracy > 0.75


@pytest.mark.parametrize(
    "n_rows, params, expected",
    [
        (30, {}, 17),  # "auto": 5,000 rows of 300-row batches, one batch of all rows
        (1000, {}, 17),
        (30, {"train__min_steps_per_epoch": 50}, 20),  # tiny data: at most 20 passes
        (1000, {"batch_size": 100}, 50),  # "auto" steps: 5,000 rows in 100-row batches
        (150, {"batch_size": 100, "train__min_steps_per_epoch": 50}, 30),  # 20 passes
        (30, {"train__min_steps_per_epoch": 50, "train__max_passes_per_epoch": 100}, 50),
        (300, {"batch_size": 100, "train__min_steps_per_epoch": 1}, 3),  # one pass
        (6000, {"train__min_steps_per_epoch": 1}, 20),  # one pass of 300-row batches
        (12000, {"train__min_steps_per_epoch": 1}, 120),  # not small data: 100-row batches
    ],
)
def test_steps_per_epoch_follow_the_data_size(n_rows, params, expected):
    X, y = three_blobs(n_rows=n_rows)
    clf = SGANClassifier(
        hidden_layer_sizes=(8,), generator_layer_sizes=(8,), max_epochs=1, **params
    ).fit(X, y)
    assert clf.net_.steps_per_epoch == expected
    assert len(clf.history_[-1]["batches"]) == expected


@pytest.mark.parametrize(
    "n_rows, n_features, architecture, fewest_labels, expected",
    [
        (500, 4, "mlp", 5, 300),  # 5 labels in the rarest class: enough for 300-row batches
        (10_000, 4, "mlp", 5, 300),
        (500, 4, "mlp", 4, 100),  # a class with fewer than 5
        (10_001, 4, "mlp", 50, 100),  # not small data
        (500, 256, "mlp", 50, 100),  # wide input
        (500, 4, "conv", 50, 100),
    ],
)
def test_auto_batch_size_follows_the_data_and_its_labels(
    n_rows, n_features, architecture, fewest_labels, expected
):
    from sgan_sklearn._auto import _resolve_batch_size

    resolved = _resolve_batch_size("auto", n_rows, n_features, architecture, fewest_labels)
    assert resolved == expected
    assert _resolve_batch_size(64, n_rows, n_features, architecture, fewest_labels) == 64


def test_a_class_with_few_labels_gets_100_row_batches_and_50_steps():
    X, y = three_blobs(n_rows=400)
    y_true = np.arange(len(y)) % 3  # three_blobs' classes
    few = np.full_like(y, -1)
    for label, count in ((0, 20), (1, 20), (2, 4)):  # 44 labels, 4 in class 2
        rows = np.flatnonzero(y_true == label)[:count]
        few[rows] = label
    # Without group labels: the blobs lie apart and would each be labeled in full.
    clf = SGANClassifier(
        hidden_layer_sizes=(8,),
        generator_layer_sizes=(8,),
        max_epochs=1,
        train__group_labels=False,
    )
    clf.fit(X, few)
    assert clf.batch_size_ == 100 and clf.net_.steps_per_epoch == 50
    few[np.flatnonzero((y_true == 2) & (few == -1))[0]] = 2  # 5 in every class
    assert clf.fit(X, few).batch_size_ == 300


def test_batch_size_is_resolved_once_and_kept_by_warm_start():
    X, y = three_blobs(n_rows=400)
    clf = SGANClassifier(
        hidden_layer_sizes=(8,), generator_layer_sizes=(8,), max_epochs=1, warm_start=True
    ).fit(X, y)
    assert clf.batch_size_ == 300 and clf.net_.batch_size == 300
    # More rows than small data on the continued fit: "auto" keeps its first choice.
    X_big, y_big = three_blobs(n_rows=10_050)
    clf.set_params(train__min_steps_per_epoch=1).fit(X_big[:, : X.shape[1]], y_big)
    assert clf.batch_size_ == 300 and clf.net_.batch_size == 300
    clf.set_params(batch_size=50).fit(X, y)
    assert clf.batch_size_ == 50 and clf.net_.batch_size == 50
    assert len(clf.history_[-1]["batches"]) == 8  # 400 rows in 50-row batches


def test_label_smoothing_keeps_probabilities_off_certainty(iris):
    X, y, _ = iris
    # temperature=1 for both: the probabilities the two losses train, unsoftened.
    plain = SGANClassifier(**ACCURATE, label_smoothing=0.0, temperature=1, random_state=0)
    smoothed = SGANClassifier(**ACCURATE, label_smoothing=0.2, temperature=1, random_state=0)
    plain.fit(X, y)
    smoothed.fit(X, y)
    assert plain.net_.criterion_.label_smoothing == 0.0
    assert smoothed.net_.criterion_.label_smoothing == 0.2
    top_plain = plain.predict_proba(X).max(axis=1)
    top_smoothed = smoothed.predict_proba(X).max(axis=1)
    assert np.median(top_smoothed) < np.median(top_plain)
    assert np.mean(top_smoothed > 0.99) < np.mean(top_plain > 0.99)


def test_auto_label_smoothing_and_temperature_follow_the_rarest_class():
    X, y = three_blobs(n_rows=120)
    y_true = np.arange(len(y)) % 3
    few = np.full_like(y, -1)
    for label, count in ((0, 10), (1, 10), (2, 4)):  # 4 labels in class 2
        few[np.flatnonzero(y_true == label)[:count]] = label
    # Without group labels: the blobs lie apart and would each be labeled in full.
    clf = SGANClassifier(**SMALL, train__group_labels=False, random_state=0).fit(X, few)
    assert clf.label_smoothing_ == 0.05 and clf.net_.criterion_.label_smoothing == 0.05
    assert clf.temperature_ == 1.0
    few[np.flatnonzero((y_true == 2) & (few == -1))[0]] = 2  # 5 in every class
    clf.fit(X, few)
    assert clf.label_smoothing_ == 0.0 and clf.net_.criterion_.label_smoothing == 0.0
    # Without smoothing, "auto" follows the neighbour term (on for these narrow rows).
    assert clf.net_.neighbor_weight > 0 and clf.temperature_ == 2.5
    # It follows the term the fit trained with, not a setting changed since.
    clf.set_params(train__neighbor_weight=0.0)
    assert clf.temperature_ == 2.5
    clf.fit(X, few)
    assert clf.temperature_ == 2.0
    clf.set_params(train__neighbor_weight="auto")
    # Explicit values are kept, and "auto" temperature follows the smoothing used.
    clf.set_params(label_smoothing=0.1).fit(X, few)
    assert clf.label_smoothing_ == 0.1 and clf.temperature_ == 1.0
    clf.set_params(label_smoothing=0.0, temperature=4).fit(X, few)
    assert clf.temperature_ == 4.0


def test_warm_start_resolves_auto_label_smoothing_on_the_new_labels():
    X, y = three_blobs(n_rows=120)
    y_true = np.arange(len(y)) % 3
    few = np.where(np.isin(np.arange(len(y)), [0, 1, 2]), y_true, -1)  # 1 per class
    # Without group labels: the blobs lie apart and would each be labeled in full.
    clf = SGANClassifier(**SMALL, warm_start=True, train__group_labels=False, random_state=0)
    clf.fit(X, few)
    assert clf.net_.criterion_.label_smoothing == 0.05
    clf.fit(X, y)  # 20 labels per class
    assert clf.label_smoothing_ == 0.0 and clf.net_.criterion_.label_smoothing == 0.0


def test_temperature_divides_the_class_logits(iris):
    X, y, _ = iris
    clf = SGANClassifier(**SMALL, label_smoothing=0.0, temperature=1, random_state=0).fit(X, y)
    plain = clf.predict_proba(X)
    predicted = clf.predict(X)
    # Takes effect without refitting: softmax(logits / 3) from softmax(logits).
    clf.set_params(temperature=3.0)
    softened = clf.predict_proba(X)
    expected = np.exp(np.log(plain) / 3.0)
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softened, expected, rtol=1e-9, atol=1e-12)
    assert softened.max(axis=1).mean() < plain.max(axis=1).mean()
    np.testing.assert_array_equal(clf.predict(X), predicted)
    assert_valid_proba(softened, len(X), len(clf.classes_))
    # label_distributions_ keeps the temperature of the fit.
    np.testing.assert_allclose(clf.label_distributions_, plain, rtol=1e-9, atol=1e-12)


def test_temperature_can_be_fitted_on_held_out_labels_with_calibratedclassifiercv(iris):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    X, y, y_true = iris
    held_out = np.flatnonzero(y == -1)[::2]
    train = np.setdiff1d(np.arange(len(y)), held_out)
    clf = SGANClassifier(**SMALL, temperature=1, random_state=0).fit(X[train], y[train])
    calibrated = CalibratedClassifierCV(FrozenEstimator(clf), method="temperature")
    calibrated.fit(X[held_out], y_true[held_out])
    proba = calibrated.predict_proba(X)
    assert_valid_proba(proba, len(X), len(clf.classes_))
    # A temperature rescales the logits: the ranking of the classes in a row is kept.
    np.testing.assert_array_equal(proba.argmax(axis=1), clf.predict_proba(X).argmax(axis=1))


@pytest.mark.parametrize("value", [0, -1.0, "high", np.inf])
def test_bad_temperature_is_refused_at_fit_and_after_set_params(iris, value):
    X, y, _ = iris
    with pytest.raises(ValueError, match="'temperature' parameter"):
        SGANClassifier(**SMALL, temperature=value).fit(X, y)
    clf = SGANClassifier(**SMALL, random_state=0).fit(X, y)
    clf.set_params(temperature=value)
    with pytest.raises(ValueError, match="'temperature' parameter"):
        clf.predict_proba(X)


def test_warm_start_applies_label_smoothing(iris):
    X, y, _ = iris
    clf = SGANClassifier(**SMALL, label_smoothing=0.0, warm_start=True).fit(X, y)
    clf.set_params(label_smoothing=0.3).fit(X, y)
    assert clf.net_.criterion_.label_smoothing == 0.3


def test_original_objective_smooths_over_the_real_classes_only():
    net = SGANClassifier(**SMALL, train__discriminator_loss="keras_sgan", label_smoothing=0.1)
    X, y = three_blobs()
    net = net.fit(X, y).net_
    logits = torch.randn(6, 3)
    y_codes = torch.tensor([0, 1, 2, 0, 1, 2])
    # With the fake logit far below the others, the (N+1)-way smoothed loss is the
    # N-way smoothed loss: no target mass sits on "fake".
    padded = torch.nn.functional.pad(logits, (0, 1), value=-1e4)
    expected = torch.nn.functional.cross_entropy(logits, y_codes, label_smoothing=0.1)
    assert torch.allclose(net._smoothed_cross_entropy(padded, y_codes), expected, atol=1e-5)


@pytest.mark.parametrize("value", [-0.1, 1.0])
def test_label_smoothing_out_of_range_is_refused(iris, value):
    X, y, _ = iris
    with pytest.raises(ValueError, match="label_smoothing"):
        SGANClassifier(label_smoothing=value).fit(X, y)
