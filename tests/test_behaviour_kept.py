"""Fits, model files and pickles behave as recorded.

``tests/data/make_reference_predictions.py`` recorded ``predict_proba`` of small fits,
a model file and a pickle with the parameter names of the release before the
constructor was reorganised (``reference_proba.npz``): model files of that release
must load and predict bitwise the same. Refits of the same configurations, in
today's names, are compared bitwise with ``reference_refit_proba.npz``, which
``python -m tests.test_behaviour_kept`` re-records: do that only for a deliberate
change of what a fit learns, and say which in the commit.
"""

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch

import sgan_sklearn
from sgan_sklearn import SGANClassifier
from tests.data.make_reference_predictions import DATA
from tests.test_own_networks import PlainGenerator, TwoLayerDiscriminator

# DATA: the data the references were recorded on, from the script that recorded them.
DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCE = np.load(DATA_DIR / "reference_proba.npz")
REFIT_FILE = DATA_DIR / "reference_refit_proba.npz"
CONTINUED = {"mlp_small_blobs": "warm_start", "research": "research_warm_start"}


SMALL = dict(
    hidden_layer_sizes=(16, 16),
    generator_layer_sizes=(16,),
    generator__latent_dim=8,
    max_epochs=3,
    train__min_steps_per_epoch=5,
    batch_size=20,
)
CONV = dict(
    hidden_layer_sizes=(4, 8),
    generator_layer_sizes=(8, 4),
    generator__latent_dim=8,
    max_epochs=1,
    train__min_steps_per_epoch=3,
    batch_size=20,
    image_shape=(1, 8, 8),
)
RESEARCH = dict(
    SMALL,
    max_epochs=2,
    train__min_steps_per_epoch=40,
    train__max_passes_per_epoch=3,
    train__labeled_batch_size=7,
    generator_optimizer__lr=0.002,
    learning_rate_schedule="linear_decay",
    train__schedule_epochs=4,
    train__decay_start=0.25,
    optimizer__betas=(0.4, 0.9999),
    generator_optimizer__betas=(0.0, 0.9999),
    optimizer__eps=1e-3,
    train__catch_up_steps=1,
    train__catch_up_threshold=0.5,
    train__generator_start="data_mean",
    train__initialize_with_noise=True,
)
CONFIGURATIONS = {
    "mlp_default_iris": ("iris", dict(max_epochs=2, train__min_steps_per_epoch=5)),
    "mlp_small_blobs": ("blobs", SMALL),
    "conv": ("digits", dict(CONV, architecture="conv")),
    "sgan_original": (
        "digits",
        dict(CONV, architecture="sgan_original", hidden_layer_sizes=(4, 4, 8, 8)),
    ),
    "original_objective_mlp": (
        "blobs",
        dict(SMALL, train__discriminator_loss="keras_sgan", generator_loss="non_saturating"),
    ),
    "research": ("blobs", RESEARCH),
    "own_networks": (
        "blobs",
        dict(
            SMALL,
            discriminator=TwoLayerDiscriminator,
            discriminator__n_features=4,
            discriminator__n_classes=3,
            discriminator__width=8,
            generator=PlainGenerator,
            generator__n_features=4,
            generator__latent_dim=4,
        ),
    ),
}


@pytest.fixture(autouse=True)
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def fit(name):
    data, params = CONFIGURATIONS[name]
    X, y = DATA[data]()
    return SGANClassifier(**params, precision="float32", random_state=0).fit(X, y), X, y


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
def test_predictions_are_bitwise_those_recorded(name):
    recorded = np.load(REFIT_FILE)
    for key, proba in refit_predictions(name).items():
        assert np.array_equal(proba, recorded[key]), key


def refit_predictions(name):
    """``predict_proba`` of configuration ``name`` and of its warm-started continuation."""
    clf, X, y = fit(name)
    found = {name: clf.predict_proba(X)}
    if name in CONTINUED:
        more = dict(warm_start=True, max_epochs=2)
        if name == "mlp_small_blobs":
            more["learning_rate"] = 0.001
        clf.set_params(**more).fit(X, y)
        found[CONTINUED[name]] = clf.predict_proba(X)
    return found


@pytest.mark.parametrize(
    "file, name",
    [("reference_model.sgan", "mlp_small_blobs"), ("reference_research_model.sgan", "research")],
)
def test_model_file_of_the_earlier_release_loads_and_predicts_the_same(file, name):
    loaded = sgan_sklearn.load(DATA_DIR / file)
    X, y = DATA[CONFIGURATIONS[name][0]]()
    assert np.array_equal(loaded.predict_proba(X), REFERENCE[name])
    expected = {**CONFIGURATIONS[name][1], "precision": "float32", "random_state": 0}
    params = loaded.get_params()
    assert {k: params[k] for k in expected} == expected
    if name == "research":
        # The neighbour term came after that release: off, the continued fit is
        # the one it recorded.
        loaded.set_params(warm_start=True, max_epochs=2, train__neighbor_weight=0.0).fit(X, y)
        recorded = REFERENCE["research_loaded_warm_start"]
        assert np.array_equal(loaded.predict(X), loaded.classes_[recorded.argmax(axis=1)])
        # So did the fading of confidence away from the labeled rows, which keeps
        # every prediction: without it the probabilities are the recorded ones.
        loaded.labeled_kernel_ = None
        assert np.array_equal(loaded.predict_proba(X), recorded)


def test_pickle_of_the_earlier_release_is_refused_with_a_way_out():
    with open(DATA_DIR / "reference_estimator.pkl", "rb") as file:
        with pytest.raises(ValueError, match=r"adam_beta1.*Refit.*clf\.save.*sgan_sklearn\.load"):
            pickle.load(file)


def record_refits():
    torch.set_num_threads(1)
    found = {}
    for name in sorted(CONFIGURATIONS):
        found.update(refit_predictions(name))
    np.savez(REFIT_FILE, **found)


if __name__ == "__main__":
    record_refits()
