"""Generated rows (sample), the novelty score (score_samples) and the plotting helpers."""

import copy
import pickle
import random
import sys

import numpy as np
import pytest
import torch
from conftest import SMALL, TINY, three_blobs
from scipy import sparse
from sklearn.exceptions import NotFittedError
from torch.nn import functional as F

import sgan_sklearn
from sgan_sklearn import SGANClassifier


def offset_blobs(n_features=4):
    """Blobs far from 0 and wider than 1, so that scaled and input space do not overlap."""
    X, y = three_blobs(n_features=n_features)
    return 100.0 + 10.0 * X, y


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


# ----- plotting ---------------------------------------------------------------
@pytest.fixture
def plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_plot_samples_tiles_the_generated_images(plt, fitted_small):
    from sgan_sklearn.plotting import plot_samples

    _, ax = plt.subplots()
    assert plot_samples(fitted_small, 10, random_state=0, ax=ax) is ax
    mosaic = ax.images[0].get_array()
    # 4 features: 2x2 gray images, ceil(sqrt(10)) = 4 per line, 3 lines, 1-pixel gaps.
    assert mosaic.shape == (3 * 3 - 1, 4 * 3 - 1)
    rows = fitted_small.sample(10, random_state=0)
    shown = (rows - rows.min()) / (rows.max() - rows.min())
    np.testing.assert_allclose(mosaic[0:2, 0:2], shown[0].reshape(2, 2))
    np.testing.assert_allclose(mosaic[3:5, 3:5], shown[5].reshape(2, 2))
    np.testing.assert_array_equal(mosaic[2, :], 1.0)  # a gap
    np.testing.assert_array_equal(mosaic[6:8, 6:], 1.0)  # after the last image


def test_plot_samples_draws_rgb_images_channels_last(plt):
    X, y = offset_blobs(n_features=12)
    clf = SGANClassifier(**TINY, random_state=0).fit(X, y)
    from sgan_sklearn.plotting import plot_samples

    ax = plot_samples(clf, 6, image_shape=(3, 2, 2), ncols=3, random_state=0)
    mosaic = ax.images[0].get_array()
    assert mosaic.shape == (2 * 3 - 1, 3 * 3 - 1, 3)
    rows = clf.sample(6, random_state=0)
    shown = (rows - rows.min()) / (rows.max() - rows.min())
    np.testing.assert_allclose(mosaic[0:2, 3:5], shown[1].reshape(3, 2, 2).transpose(1, 2, 0))


@pytest.mark.parametrize(
    ("image_shape", "message"),
    [
        (None, "not a square image: pass image_shape"),
        ((2, 3), "holds 6 values, but the estimator's rows have 12 features"),
        ((2, 2, 3), "has 2 channels"),
        ((3, 4, 1, 1), "must be \\(height, width\\) or \\(channels, height, width\\)"),
    ],
)
def test_plot_samples_asks_for_an_image_shape_that_fits(plt, image_shape, message):
    X, y = offset_blobs(n_features=12)
    clf = SGANClassifier(**TINY, random_state=0).fit(X, y)
    from sgan_sklearn.plotting import plot_samples

    with pytest.raises(ValueError, match=message):
        plot_samples(clf, image_shape=image_shape)


def test_plotting_without_matplotlib_says_how_to_install_it(fitted_small, monkeypatch):
    from sgan_sklearn.plotting import plot_history, plot_samples

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    for plot in (plot_samples, plot_history):
        with pytest.raises(ImportError, match=r'pip install "sgan-sklearn\[examples\]"'):
            plot(fitted_small)


def test_plot_history_draws_the_losses_together_and_each_other_key_alone(plt, fitted_small):
    from sgan_sklearn.plotting import plot_history

    axes = plot_history(fitted_small)
    assert [ax.get_title() for ax in axes] == ["losses", "labeled_accuracy", "generator_steps"]
    history = fitted_small.history_
    lines = {line.get_label(): line.get_ydata() for line in axes[0].get_lines()}
    assert list(lines) == ["train_loss", "supervised_loss", "unsupervised_loss", "generator_loss"]
    np.testing.assert_allclose(lines["generator_loss"], history[:, "generator_loss"])
    np.testing.assert_allclose(axes[2].get_lines()[0].get_ydata(), history[:, "generator_steps"])
    np.testing.assert_array_equal(axes[1].get_lines()[0].get_xdata(), [1, 2, 3])


def test_plot_history_draws_on_the_axes_given(plt, fitted_small):
    from sgan_sklearn.plotting import plot_history

    _, given = plt.subplots(1, 2)
    axes = plot_history(fitted_small, keys=("dur", "unsupervised_loss"), axes=given)
    assert list(axes) == list(given)
    assert [ax.get_title() for ax in axes] == ["dur", "losses"]


@pytest.mark.parametrize(
    ("keys", "n_axes", "message"),
    [
        (("train_loss", "validation_accuracy"), None, "no per-epoch 'validation_accuracy'"),
        (("train_loss", "labeled_accuracy"), 3, "axes holds 3 axes, but keys make 2 plots"),
        ((), None, "keys is empty"),
    ],
)
def test_plot_history_rejects_unknown_keys_and_wrong_axes(
    plt, fitted_small, keys, n_axes, message
):
    from sgan_sklearn.plotting import plot_history

    axes = None if n_axes is None else plt.subplots(1, n_axes)[1]
    with pytest.raises(ValueError, match=message):
        plot_history(fitted_small, keys=keys, axes=axes)


# ----- SampleGrid -----------------------------------------------------------
def test_sample_grid_saves_a_png_every_few_epochs_and_leaves_the_fit_alone(plt, blobs, tmp_path):
    from sgan_sklearn.plotting import SampleGrid

    X, y = blobs
    params = {**SMALL, "max_epochs": 4, "random_state": 0}
    grid = SampleGrid(tmp_path / "grids", every=2, n_samples=9)
    clf = SGANClassifier(**params, callbacks=[("grid", grid)]).fit(X, y)
    names = sorted(p.name for p in (tmp_path / "grids").iterdir())
    assert names == ["samples_epoch_002.png", "samples_epoch_004.png"]
    for name in names:
        assert (tmp_path / "grids" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    used = dict(clf.net_.callbacks_)["grid"]
    assert used.files_ == [str(tmp_path / "grids" / name) for name in names]
    assert used.estimator_ is clf
    # The callback passed is not modified, and sampling draws no training noise.
    assert not hasattr(grid, "estimator_") and not hasattr(grid, "files_")
    plain = SGANClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), plain.predict_proba(X))
    # A continued fit carries on the epoch numbering; the fitted model pickles.
    clf.set_params(warm_start=True, max_epochs=2).fit(X, y)
    assert (tmp_path / "grids" / "samples_epoch_006.png").exists()
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(clf)).predict_proba(X), clf.predict_proba(X)
    )


def test_sample_grid_file_names_follow_f_png(plt, blobs, tmp_path):
    from sgan_sklearn.plotting import SampleGrid

    X, y = blobs
    grid = SampleGrid(str(tmp_path), f_png="grid-{epoch}.png")
    SGANClassifier(**{**SMALL, "max_epochs": 2}, callbacks=[grid]).fit(X, y)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid-1.png", "grid-2.png"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"every": 0}, "'every' parameter of SampleGrid"),
        ({"n_samples": 2.5}, "'n_samples' parameter of SampleGrid"),
        ({"f_png": "grid_{step}.png"}, "f_png='grid_{step}.png' is not a file name"),
        ({"image_shape": (3, 1)}, "holds 3 values, but the estimator's rows have 4"),
    ],
)
def test_sample_grid_rejects_bad_parameters_before_training(plt, blobs, tmp_path, params, message):
    from sgan_sklearn.plotting import SampleGrid

    X, y = blobs
    grid = SampleGrid(tmp_path, **params)
    with pytest.raises(ValueError, match=message):
        SGANClassifier(**TINY, callbacks=[grid]).fit(X, y)
    assert list(tmp_path.iterdir()) == []


def test_sample_grid_refuses_a_folder_it_cannot_create(plt, blobs, tmp_path):
    from sgan_sklearn.plotting import SampleGrid

    X, y = blobs
    a_file = tmp_path / "not_a_folder"
    a_file.write_text("")
    with pytest.raises(ValueError, match="cannot create dirname=.*not_a_folder.*folder that can"):
        SGANClassifier(**TINY, callbacks=[SampleGrid(a_file)]).fit(X, y)


def test_sample_grid_needs_the_estimator(plt, tmp_path):
    from sgan_sklearn.plotting import SampleGrid

    with pytest.raises(TypeError, match="SGANClassifier\\(callbacks="):
        SampleGrid(tmp_path).initialize()
