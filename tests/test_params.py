"""Settings routed by prefix: parameters like any other, and a helpful error for a wrong name."""

import inspect

import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sgan_sklearn import SGANClassifier
from tests._helpers import TINY, three_blobs


def test_the_constructor_holds_at_most_25_parameters():
    parameters = inspect.signature(SGANClassifier).parameters
    assert len([p for p in parameters.values() if p.kind != p.VAR_KEYWORD]) <= 25


@pytest.mark.parametrize(
    "name, value",
    [
        ("optimizer__betas", (0.4, 0.99)),
        ("optimizer__eps", 1e-3),
        ("generator_optimizer__lr", 0.001),
        ("generator_optimizer__betas", (0.0, 0.99)),
        ("train__catch_up_steps", 0),
        ("train__discriminator_loss", "keras_sgan"),
        ("generator__latent_dim", 5),
    ],
)
def test_prefixed_settings_are_parameters_that_reach_the_net(name, value):
    clf = SGANClassifier(**{**TINY, name: value})
    assert clf.get_params()[name] == value
    assert clone(clf).get_params()[name] == value
    other = SGANClassifier(**TINY).set_params(**{name: value})
    assert other.get_params()[name] == value
    X, y = three_blobs()
    net = other.set_params(random_state=0).fit(X, y).net_
    prefix, key = name.split("__")
    if prefix == "optimizer":
        assert net.optimizer_.param_groups[0][key] == value
    elif prefix == "generator_optimizer":
        assert net.optimizer_generator_.param_groups[0][key] == value
    elif prefix == "train":
        assert getattr(net, key) == value
    else:
        assert net.generator_.latent_dim == value


def test_a_grid_search_tunes_prefixed_settings():
    X, y = three_blobs()
    grid = {"optimizer__betas": [(0.5, 0.999), (0.0, 0.9)], "train__catch_up_steps": [0, 1]}
    search = GridSearchCV(SGANClassifier(**TINY, random_state=0), grid, cv=2).fit(X, y)
    assert set(search.best_params_) == set(grid)
    assert len(search.cv_results_["params"]) == 4


@pytest.mark.parametrize(
    "name, suggestion",
    [
        ("optimizer__beta", "optimizer__betas"),
        ("train__catchup_steps", "train__catch_up_steps"),
        ("max_epoch", "max_epochs"),
        ("generator_optimiser__lr", "generator_optimizer__lr"),
    ],
)
def test_an_unknown_name_suggests_the_closest_valid_one(name, suggestion):
    with pytest.raises(ValueError, match=f"Did you mean '{suggestion}'"):
        SGANClassifier().set_params(**{name: 1})
    X, y = three_blobs()
    with pytest.raises(ValueError, match=f"Did you mean '{suggestion}'"):
        SGANClassifier(**TINY, **{name: 1}).fit(X, y)


@pytest.mark.parametrize(
    "name, route",
    [
        ("adam_beta2", "optimizer__betas"),
        ("generator_learning_rate", "generator_optimizer__lr"),
        ("objective", "train__discriminator_loss"),
        ("latent_dim", "generator__latent_dim"),
    ],
)
def test_a_parameter_of_the_earlier_release_names_its_new_route(name, route):
    with pytest.raises(ValueError, match=f"no parameter '{name}' any more; use {route}"):
        SGANClassifier().set_params(**{name: 1})


def test_optimizer_lr_is_refused_for_learning_rate():
    X, y = three_blobs()
    with pytest.raises(ValueError, match="optimizer__lr is set by learning_rate"):
        SGANClassifier(**TINY, optimizer__lr=0.1).fit(X, y)


def test_prefixed_values_are_checked_at_fit():
    X, y = three_blobs()
    with pytest.raises(ValueError, match="train__catch_up_steps"):
        SGANClassifier(**TINY, train__catch_up_steps=-1).fit(X, y)
    with pytest.raises(ValueError, match=r"optimizer__betas must be two floats"):
        SGANClassifier(**TINY, optimizer__betas=(0.5,)).fit(X, y)
