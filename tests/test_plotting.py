"""The plotting helpers of sgan_sklearn.plotting: plot_samples, plot_history and SampleGrid."""

import pickle
import sys

import numpy as np
import pytest

from sgan_sklearn import SGANClassifier
from tests._helpers import SMALL, TINY, offset_blobs


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
