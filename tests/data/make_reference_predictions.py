"""Write the reference predictions that ``tests/test_behaviour_kept.py`` compares against.

Fits a fixed set of small configurations on data that ships with scikit-learn or is
drawn from a fixed seed, and stores, next to this script:

- ``reference_proba.npz``: ``predict_proba`` on the training rows of every configuration,
  and of warm-started continuations (of a fit, and of a model file loaded back);
- ``reference_model.sgan``: a model file written by ``SGANClassifier.save``;
- ``reference_research_model.sgan``: a model file of a fit with non-default training
  settings, so that loading maps each stored parameter to where it lives now;
- ``reference_estimator.pkl``: a pickle of a fitted estimator.

It was run once, before the constructor was reorganised, with the parameter names of that
release (``adam_beta1``, ``generator_learning_rate``, ``objective``, ...); the test states
the same configurations with today's names. Run from the repository root::

    OMP_NUM_THREADS=1 python tests/data/make_reference_predictions.py
"""

import pickle
import sys
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits, load_iris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import sgan_sklearn  # noqa: E402
from sgan_sklearn import SGANClassifier  # noqa: E402
from tests.test_own_networks import PlainGenerator, TwoLayerDiscriminator  # noqa: E402


def iris():
    X, y = load_iris(return_X_y=True)
    y = y.copy()
    y[np.random.default_rng(0).random(len(y)) > 0.3] = -1
    return X, y


def blobs():
    rng = np.random.default_rng(0)
    y = np.arange(60) % 3
    X = rng.normal(size=(60, 4)) + 3.0 * y[:, None]
    y[::2] = -1
    return X, y


def digits():
    X, y = load_digits(return_X_y=True)
    X, y = X[:120], y[:120].copy()
    y[np.arange(len(y)) % 3 != 0] = -1
    return X, y


DATA = {"iris": iris, "blobs": blobs, "digits": digits}
SMALL = dict(
    hidden_layer_sizes=(16, 16),
    generator_layer_sizes=(16,),
    latent_dim=8,
    max_epochs=3,
    min_steps_per_epoch=5,
    batch_size=20,
)
CONV = dict(
    hidden_layer_sizes=(4, 8),
    generator_layer_sizes=(8, 4),
    latent_dim=8,
    max_epochs=1,
    min_steps_per_epoch=3,
    batch_size=20,
    image_shape=(1, 8, 8),
)
# Every training setting that leaves the constructor, set away from its default.
RESEARCH = dict(
    SMALL,
    max_epochs=2,
    min_steps_per_epoch=40,
    max_passes_per_epoch=3,
    labeled_batch_size=7,
    generator_learning_rate=0.002,
    learning_rate_schedule="linear_decay",
    schedule_epochs=4,
    decay_start=0.25,
    adam_beta1=0.4,
    adam_beta2=0.9999,
    generator_adam_beta1=0.0,
    adam_epsilon=1e-3,
    catch_up_steps=1,
    catch_up_threshold=0.5,
    generator_start="data_mean",
    initialize_with_noise=True,
)
# name: (data, constructor arguments)
CONFIGURATIONS = {
    "mlp_default_iris": ("iris", dict(max_epochs=2, min_steps_per_epoch=5)),
    "mlp_small_blobs": ("blobs", SMALL),
    "conv": ("digits", dict(CONV, architecture="conv")),
    "sgan_original": (
        "digits",
        dict(CONV, architecture="sgan_original", hidden_layer_sizes=(4, 4, 8, 8)),
    ),
    "original_objective_mlp": (
        "blobs",
        dict(SMALL, objective="sgan_original", generator_loss="non_saturating"),
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
        ),
    ),
}


def fit(name):
    data, params = CONFIGURATIONS[name]
    X, y = DATA[data]()
    return SGANClassifier(**params, precision="float32", random_state=0).fit(X, y), X


def main():
    torch.set_num_threads(1)
    proba = {}
    for name in CONFIGURATIONS:
        clf, X = fit(name)
        proba[name] = clf.predict_proba(X)
        if name == "mlp_small_blobs":
            clf.save(HERE / "reference_model.sgan")
            with open(HERE / "reference_estimator.pkl", "wb") as file:
                pickle.dump(clf, file)
            clf.set_params(warm_start=True, max_epochs=2, learning_rate=0.001).fit(*blobs())
            proba["warm_start"] = clf.predict_proba(X)
        if name == "research":
            clf.save(HERE / "reference_research_model.sgan")
            # A loaded model continues on its own course: the noise layers' random
            # streams are not stored, so record the continuation of the file too.
            loaded = sgan_sklearn.load(HERE / "reference_research_model.sgan")
            loaded.set_params(warm_start=True, max_epochs=2).fit(X, blobs()[1])
            proba["research_loaded_warm_start"] = loaded.predict_proba(X)
            clf.set_params(warm_start=True, max_epochs=2).fit(X, blobs()[1])
            proba["research_warm_start"] = clf.predict_proba(X)
    np.savez(HERE / "reference_proba.npz", **proba)
    for name, values in proba.items():
        print(f"{name}: {values.shape}, first row {values[0].round(4)}")


if __name__ == "__main__":
    main()
