"""Networks a user brings: module classes with prefixed arguments, or instances."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from torch import nn

from sgan_sklearn import SGANClassifier
from sgan_sklearn._modules import Discriminator
from tests._helpers import SMALL as _SMALL
from tests._helpers import assert_valid_proba, three_blobs

# generator__latent_dim goes to whichever generator is built; the generators here fix
# their own noise size.
SMALL = {k: v for k, v in _SMALL.items() if k != "generator__latent_dim"}


class TwoLayerDiscriminator(nn.Module):
    """The contract: class logits, and (logits, features) with return_features=True."""

    def __init__(self, n_features, n_classes, width=16):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(n_features, width), nn.ReLU())
        self.output = nn.Linear(width, n_classes)

    def forward(self, x, return_features=False):
        features = self.hidden(x)
        logits = self.output(features)
        return (logits, features) if return_features else logits


class PlainGenerator(nn.Module):
    """No sample_noise: the estimator feeds uniform noise of size latent_dim."""

    def __init__(self, n_features, latent_dim=4):
        super().__init__()
        self.latent_dim = latent_dim
        self.body = nn.Sequential(nn.Linear(latent_dim, 16), nn.ReLU(), nn.Linear(16, n_features))

    def forward(self, z):
        return self.body(z)


class BatchNormDiscriminator(TwoLayerDiscriminator):
    def __init__(self, n_features, n_classes):
        super().__init__(n_features, n_classes)
        self.hidden = nn.Sequential(nn.Linear(n_features, 16), nn.BatchNorm1d(16), nn.ReLU())


def test_classes_with_prefixed_arguments_train_and_predict():
    X, y = three_blobs()
    clf = SGANClassifier(
        discriminator=TwoLayerDiscriminator,
        discriminator__n_features=4,
        discriminator__n_classes=3,
        discriminator__width=8,
        generator=PlainGenerator,
        generator__n_features=4,
        **SMALL,
        random_state=0,
    ).fit(X, y)
    assert_valid_proba(clf.predict_proba(X), len(X), 3)
    assert isinstance(clf.discriminator_, TwoLayerDiscriminator)
    assert clf.discriminator_.hidden[0].out_features == 8
    assert isinstance(clf.generator_, PlainGenerator)


def test_prefixed_arguments_are_parameters():
    clf = SGANClassifier(discriminator=TwoLayerDiscriminator, discriminator__width=8)
    assert clf.get_params()["discriminator__width"] == 8
    cloned = clone(clf)
    assert cloned.get_params()["discriminator__width"] == 8
    cloned.set_params(discriminator__width=32, max_epochs=2)
    assert cloned.discriminator__width == 32 and cloned.max_epochs == 2
    assert clf.discriminator__width == 8


def test_instances_are_copied_not_trained():
    X, y = three_blobs()
    discriminator = TwoLayerDiscriminator(4, 3)
    before = {k: v.clone() for k, v in discriminator.state_dict().items()}
    clf = SGANClassifier(discriminator=discriminator, **SMALL, random_state=0).fit(X, y)
    for key, value in discriminator.state_dict().items():
        torch.testing.assert_close(value, before[key])
    assert clf.discriminator_ is not discriminator
    trained = clf.net_.module_.state_dict()
    assert any(not torch.equal(trained[k], before[k]) for k in before)


def test_batch_norm_discriminator_trains():
    X, y = three_blobs()
    with torch.random.fork_rng():
        torch.manual_seed(0)  # the instance's initial weights, without touching global state
        discriminator = BatchNormDiscriminator(4, 3)
    clf = SGANClassifier(
        discriminator=discriminator,
        **dict(SMALL, max_epochs=5, train__min_steps_per_epoch=20),
        random_state=0,
    ).fit(X, y)
    assert np.isfinite(clf.history_[-1, "train_loss"])
    assert clf.score(X, np.arange(len(X)) % 3) >= 0.8


@pytest.mark.parametrize(
    "params, message",
    [
        (
            dict(discriminator=TwoLayerDiscriminator(4, 2)),
            r"gave shape \(2, 2\), expected \(2, 3\)",
        ),
        (dict(generator=PlainGenerator(5)), r"generator\(noise\) gave shape \(2, 5\)"),
        (dict(discriminator=nn.Linear(4, 3)), "Your networks failed on two rows"),
    ],
)
def test_networks_that_break_the_contract_are_refused(params, message):
    X, y = three_blobs()
    with pytest.raises(ValueError, match=message):
        SGANClassifier(**params, **SMALL, random_state=0).fit(X, y)


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(discriminator=TwoLayerDiscriminator(4, 3), discriminator__width=3), "an instance"),
        (dict(discriminator__width=3), "built-in discriminator, which takes none"),
        (dict(discriminator=dict), "torch.nn.Module subclass"),
        (dict(discriminator=TwoLayerDiscriminator(4, 3), precision="bfloat16"), "built-in"),
    ],
)
def test_arguments_that_cannot_take_effect_are_refused(params, message):
    X, y = three_blobs()
    with pytest.raises(ValueError, match=message):
        SGANClassifier(**params, **SMALL, random_state=0).fit(X, y)


def test_unknown_keyword_is_refused_at_fit():
    X, y = three_blobs()
    with pytest.raises(ValueError, match=r"no parameter 'widht'"):
        SGANClassifier(widht=3, **SMALL, random_state=0).fit(X, y)


def test_model_files_refuse_own_networks_and_name_pickle(tmp_path):
    X, y = three_blobs()
    clf = SGANClassifier(discriminator=TwoLayerDiscriminator(4, 3), **SMALL, random_state=0).fit(
        X, y
    )
    with pytest.raises(ValueError, match="Pickle or joblib"):
        clf.save(tmp_path / "own.sgan")


def assert_continues(clf):
    """Fit ``clf`` (warm_start=True) twice on the blobs: the second fit adds its epochs."""
    X, y = three_blobs()
    first = clf.fit(X, y).n_iter_
    clf.fit(X, y)
    assert clf.n_iter_ == 2 * first
    return clf


def test_warm_start_continues_own_networks():
    assert_continues(
        SGANClassifier(
            discriminator=TwoLayerDiscriminator(4, 3), warm_start=True, **SMALL, random_state=0
        )
    )


def test_warm_start_continues_an_own_generator_given_its_latent_dim():
    clf = assert_continues(
        SGANClassifier(
            generator=PlainGenerator,
            generator__n_features=4,
            generator__latent_dim=3,
            warm_start=True,
            **SMALL,
            random_state=0,
        )
    )
    assert clf.generator_.latent_dim == 3


class WidthsDiscriminator(TwoLayerDiscriminator):
    """Takes its widths in an argument named as the built-in network's."""

    def __init__(self, n_features, n_classes, hidden_layer_sizes=(16,)):
        super().__init__(n_features, n_classes, width=hidden_layer_sizes[0])


class WidthsGenerator(PlainGenerator):
    def __init__(self, n_features, hidden_layer_sizes=(16,)):
        super().__init__(n_features)
        self.body[0] = nn.Linear(self.latent_dim, hidden_layer_sizes[0])
        self.body[2] = nn.Linear(hidden_layer_sizes[0], n_features)


def test_warm_start_continues_own_networks_with_a_hidden_layer_sizes_argument():
    clf = assert_continues(
        SGANClassifier(
            discriminator=WidthsDiscriminator,
            discriminator__n_features=4,
            discriminator__n_classes=3,
            discriminator__hidden_layer_sizes=(8,),
            generator=WidthsGenerator,
            generator__n_features=4,
            generator__hidden_layer_sizes=(8,),
            warm_start=True,
            **SMALL,
            random_state=0,
        )
    )
    assert clf.discriminator_.output.in_features == 8


def test_sample_works_with_a_generator_that_has_only_latent_dim():
    X, y = three_blobs()
    clf = SGANClassifier(generator=PlainGenerator(4), **SMALL, random_state=0).fit(X, y)
    rows = clf.sample(5, random_state=0)
    assert rows.shape == (5, 4)
    np.testing.assert_array_equal(rows, clf.sample(5, random_state=0))


class CountingDiscriminator(Discriminator):
    """The built-in network whose generator objective counts its calls."""

    calls = 0

    def feature_matching_loss(self, x_real, x_fake, weights):
        type(self).calls += 1
        return super().feature_matching_loss(x_real, x_fake, weights)


def test_a_subclass_of_the_built_in_network_sets_the_generator_objective():
    X, y = three_blobs()
    CountingDiscriminator.calls = 0
    clf = SGANClassifier(
        discriminator=CountingDiscriminator,
        discriminator__n_features=4,
        discriminator__n_classes=3,
        discriminator__hidden_layer_sizes=(16,),
        discriminator__input_noise=0.3,
        discriminator__hidden_noise=0.5,
        **SMALL,
        random_state=0,
    ).fit(X, y)
    # Every generator step goes through the network's own loss (the history
    # keeps the mean number of generator steps per discriminator step).
    generator_steps = sum(
        row["generator_steps"] * row["train_batch_count"] for row in clf.history_
    )
    assert generator_steps >= clf.n_iter_ * SMALL["train__min_steps_per_epoch"]
    assert CountingDiscriminator.calls == round(generator_steps)
