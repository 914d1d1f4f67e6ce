"""Parameter checks: the constructor's constraints, the prefixed settings, and the checks
that need the data's shape.

Settings outside the constructor are routed by prefix, as skorch routes them:

- ``optimizer__<name>``: keyword arguments of the discriminator's Adam optimizer;
- ``generator_optimizer__<name>``: the generator's Adam optimizer, which takes the
  discriminator's ``betas`` and ``eps`` unless given its own;
- ``train__<name>``: settings of the training loop (:data:`TRAINING_DEFAULTS`);
- ``discriminator__<name>`` and ``generator__<name>``: constructor arguments of the
  networks (a user's classes, or the built-in networks' free arguments).
"""

import difflib
import inspect
import math
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)

from ._auto import CONV_LAYER_SIZES
from ._precision import PRECISIONS

ARCHITECTURES = ("mlp", "conv", "sgan_original")
SCALINGS = ("standard", "minmax")

CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", StrOptions({"auto"})],
    "architecture": [StrOptions(set(ARCHITECTURES))],
    "image_shape": ["array-like", None],
    "generator_layer_sizes": ["array-like", StrOptions({"auto"})],
    "input_noise": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
    "hidden_noise": [Interval(Real, 0, None, closed="left")],
    "generator_loss": [StrOptions({"feature_matching", "non_saturating"})],
    "unsupervised_weight": [Interval(Real, 0, None, closed="left")],
    "label_smoothing": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
    "temperature": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
    "max_epochs": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "learning_rate_schedule": [StrOptions({"constant", "linear_decay"})],
    "averaging_decay": [Interval(Real, 0, 1, closed="left")],
    "input_scaling": [StrOptions(set(SCALINGS)), None],
    "callbacks": [list, None],
    "warm_start": ["boolean"],
    "verbose": ["verbose"],
    "device": [str, torch.device],
    "n_threads": [Interval(Integral, 1, None, closed="left"), None],
    "precision": [StrOptions(set(PRECISIONS))],
    "discriminator": [type, torch.nn.Module, None],
    "generator": [type, torch.nn.Module, None],
    "random_state": ["random_state"],
}

# ----- prefixed settings -------------------------------------------------------------
PREFIXES = ("optimizer__", "generator_optimizer__", "train__", "discriminator__", "generator__")

#: The training loop's settings (``train__<name>``), with their defaults.
TRAINING_DEFAULTS = {
    "labeled_batch_size": None,
    "min_steps_per_epoch": "auto",
    "max_passes_per_epoch": 20,
    "catch_up_steps": 2,
    "catch_up_threshold": 0.05,
    "discriminator_loss": "improved_gan",
    "generator_start": "middle",
    "initialize_with_noise": False,
    "schedule_epochs": None,
    "decay_start": 0.5,
    "neighbor_weight": "auto",
    "group_labels": True,
}
_TRAINING_CONSTRAINTS = {
    "labeled_batch_size": [Interval(Integral, 1, None, closed="left"), None],
    "min_steps_per_epoch": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "max_passes_per_epoch": [Interval(Integral, 1, None, closed="left")],
    "catch_up_steps": [Interval(Integral, 0, None, closed="left")],
    "catch_up_threshold": [Interval(Real, 0, None, closed="left")],
    "discriminator_loss": [StrOptions({"improved_gan", "keras_sgan"})],
    "generator_start": [StrOptions({"middle", "data_mean"})],
    "initialize_with_noise": ["boolean"],
    "schedule_epochs": [Interval(Integral, 1, None, closed="left"), None],
    "decay_start": [Interval(Real, 0, 1, closed="left")],
    "neighbor_weight": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
    "group_labels": ["boolean"],
}
#: Adam settings that differ from torch's defaults (the usual GAN ``beta1`` of 0.5, and
#: an epsilon near the reference implementation's effective one).
OPTIMIZER_DEFAULTS = {"betas": (0.5, 0.999), "eps": 1e-4}
GENERATOR_LEARNING_RATE = 0.003
# Set from the estimator's own parameters, or by the estimator itself.
_OPTIMIZER_RESERVED = {
    "params": None,
    "lr": "learning_rate (generator_optimizer__lr for the generator)",
    "fused": None,
}
_OPTIMIZER_NAMES = sorted(
    set(inspect.signature(torch.optim.Adam).parameters) - set(_OPTIMIZER_RESERVED)
)
#: Defaults of the built-in networks' arguments that the estimator does not set itself.
BUILT_IN_NETWORK_DEFAULTS = {"discriminator": {}, "generator": {"latent_dim": 100}}

# Parameters of earlier releases: where each lives now.
RENAMED = {
    "latent_dim": "generator__latent_dim",
    "generator_learning_rate": "generator_optimizer__lr",
    "adam_beta1": "optimizer__betas=(adam_beta1, adam_beta2)",
    "adam_beta2": "optimizer__betas=(adam_beta1, adam_beta2)",
    "generator_adam_beta1": "generator_optimizer__betas=(generator_adam_beta1, adam_beta2)",
    "adam_epsilon": "optimizer__eps",
    "objective": "train__discriminator_loss ('sgan_original' is now 'keras_sgan')",
    "schedule_epochs": "train__schedule_epochs",
    "decay_start": "train__decay_start",
    **{
        name: f"train__{name}"
        for name in (
            "labeled_batch_size",
            "min_steps_per_epoch",
            "max_passes_per_epoch",
            "catch_up_steps",
            "catch_up_threshold",
            "generator_start",
            "initialize_with_noise",
        )
    },
}


def _closest(name, valid):
    found = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    return f" Did you mean {found[0]!r}?" if found else ""


def check_parameter_name(name, param_names, built_in_network=None):
    """Refuse a parameter name that goes nowhere, suggesting the closest valid one.

    ``built_in_network`` maps "discriminator" and "generator" to whether that network
    is built in, where it is known (at fit): a built-in network takes only the
    arguments in :data:`BUILT_IN_NETWORK_DEFAULTS`; a user's class takes any.
    """
    prefix, _, key = name.partition("__")
    if name in param_names:
        return
    if name in RENAMED:
        raise ValueError(
            f"SGANClassifier has no parameter {name!r} any more; use {RENAMED[name]}."
        )
    if key and prefix == "train" and key in TRAINING_DEFAULTS:
        return
    if key and prefix in ("optimizer", "generator_optimizer"):
        if key in _OPTIMIZER_NAMES or (prefix == "generator_optimizer" and key == "lr"):
            return
        if key in _OPTIMIZER_RESERVED and _OPTIMIZER_RESERVED[key]:
            raise ValueError(f"{name} is set by {_OPTIMIZER_RESERVED[key]}.")
    if key and prefix in ("discriminator", "generator"):
        if built_in_network is None or not built_in_network[prefix]:
            return
        if key in BUILT_IN_NETWORK_DEFAULTS[prefix]:
            return
        takes = [f"{prefix}__{k}" for k in BUILT_IN_NETWORK_DEFAULTS[prefix]]
        raise ValueError(
            f"{name} is not an argument of the built-in {prefix}, which takes "
            f"{', '.join(takes) or 'none'}.{_closest(name, takes)} Other arguments with "
            f"the prefix '{prefix}__' go to your own {prefix} class ({prefix}=YourModule)."
        )
    raise ValueError(
        f"SGANClassifier has no parameter {name!r}.{_closest(name, valid_names(param_names))} "
        f"Settings outside the constructor start with one of {', '.join(PREFIXES)}."
    )


def valid_names(param_names):
    """Every parameter name that is valid whatever the networks."""
    return [
        *param_names,
        *(f"train__{k}" for k in TRAINING_DEFAULTS),
        *(f"optimizer__{k}" for k in _OPTIMIZER_NAMES),
        *(f"generator_optimizer__{k}" for k in ("lr", *_OPTIMIZER_NAMES)),
        *(f"generator__{k}" for k in BUILT_IN_NETWORK_DEFAULTS["generator"]),
    ]


def prefixed(estimator, prefix):
    """The ``prefix__*`` settings given to ``estimator``, keyed without the prefix."""
    start = prefix + "__"
    given = estimator._prefixed_params()
    return {k[len(start) :]: v for k, v in given.items() if k.startswith(start)}


def training_settings(estimator):
    """Every ``train__*`` setting, defaults filled in."""
    return {**TRAINING_DEFAULTS, **prefixed(estimator, "train")}


def optimizer_settings(estimator):
    """Keyword arguments of the discriminator's and the generator's Adam optimizers."""
    discriminator = {**OPTIMIZER_DEFAULTS, **prefixed(estimator, "optimizer")}
    generator = {
        **discriminator,
        "lr": GENERATOR_LEARNING_RATE,
        **prefixed(estimator, "generator_optimizer"),
    }
    for settings in (discriminator, generator):
        settings["betas"] = tuple(settings["betas"])
    return discriminator, generator


def check_prefixed_values(estimator):
    """Check the values of the ``train__*`` and optimizer settings, as fit checks the others."""
    settings = prefixed(estimator, "train")
    validate_parameter_constraints(
        {f"train__{k}": _TRAINING_CONSTRAINTS[k] for k in settings},
        {f"train__{k}": v for k, v in settings.items()},
        caller_name=type(estimator).__name__,
    )
    for name in ("optimizer", "generator_optimizer"):
        betas = prefixed(estimator, name).get("betas")
        if betas is not None and not (
            len(betas) == 2 and all(isinstance(b, Real) and 0 <= b < 1 for b in betas)
        ):
            raise ValueError(
                f"{name}__betas must be two floats in [0, 1), got {betas!r}; "
                f"e.g. {name}__betas=(0.5, 0.999)."
            )
    latent_dim = prefixed(estimator, "generator").get("latent_dim")
    if estimator.generator is None and latent_dim is not None:
        validate_parameter_constraints(
            {"generator__latent_dim": [Interval(Integral, 1, None, closed="left")]},
            {"generator__latent_dim": latent_dim},
            caller_name=type(estimator).__name__,
        )


def upgraded_params(params):
    """Constructor parameters of an earlier release, in today's names and routes."""
    params = dict(params)
    removed = {name: params.pop(name) for name in RENAMED if name in params}
    if not removed:
        return params
    betas = (removed.pop("adam_beta1", 0.5), removed.pop("adam_beta2", 0.999))
    generator_beta1 = removed.pop("generator_adam_beta1", None)
    routed = {
        "optimizer__betas": betas,
        "optimizer__eps": removed.pop("adam_epsilon", OPTIMIZER_DEFAULTS["eps"]),
        "generator_optimizer__lr": removed.pop("generator_learning_rate", 0.003),
        "generator__latent_dim": removed.pop("latent_dim", 100),
    }
    if generator_beta1 is not None:
        routed["generator_optimizer__betas"] = (generator_beta1, betas[1])
    objective = removed.pop("objective", "improved_gan")
    routed["train__discriminator_loss"] = (
        "keras_sgan" if objective == "sgan_original" else objective
    )
    routed.update({f"train__{name}": value for name, value in removed.items()})
    defaults = {
        **{f"optimizer__{k}": v for k, v in OPTIMIZER_DEFAULTS.items()},
        "generator_optimizer__lr": GENERATOR_LEARNING_RATE,
        "generator__latent_dim": BUILT_IN_NETWORK_DEFAULTS["generator"]["latent_dim"],
        **{f"train__{k}": v for k, v in TRAINING_DEFAULTS.items()},
    }
    return {**params, **{k: v for k, v in routed.items() if k not in defaults or v != defaults[k]}}


def check_pickled_params(state):
    """Refuse the pickled state of an estimator with parameters of an earlier release."""
    removed = sorted(name for name in RENAMED if name in state)
    if removed:
        raise ValueError(
            f"This SGANClassifier was pickled by an sgan_sklearn whose parameters "
            f"({', '.join(removed)}) have since been renamed or moved, so it cannot be "
            "unpickled here. Refit it with this version, or load it with the version "
            "that pickled it, write it with clf.save(path) and read that file here "
            "with sgan_sklearn.load(path), which maps the old parameters."
        )


def check_stored_widths(params, fitted):
    """Refuse layer sizes that do not give the widths a model file stores."""
    for name in ("hidden_layer_sizes", "generator_layer_sizes"):
        sizes = fitted[name + "_"]
        if built_or_given(params[name], sizes) != sizes:
            raise ValueError(f"{name}={params[name]!r} does not give the stored widths {sizes}")


# ----- checks that need the data --------------------------------------------------
def check_rows(X):
    """Reject arrays of images (3 or more dimensions) with a way to flatten them."""
    ndim = getattr(X, "ndim", None)
    if isinstance(ndim, int) and ndim > 2:
        shape = tuple(X.shape)
        image = shape[1:] if len(shape) == 4 else (1, *shape[1:])
        raise ValueError(
            f"X has shape {shape}: SGANClassifier takes one row of features per sample, "
            "shape (n_samples, n_features). Flatten images first, e.g. "
            "X.reshape(len(X), -1), or put a FunctionTransformer that does it in a Pipeline; "
            "to train convolutional networks on them, pass the image shape too: "
            f"SGANClassifier(architecture='conv', image_shape={image})."
        )


def check_layer_sizes(name, sizes):
    """Widths of hidden layers as a tuple of positive ints.

    Checked as scikit-learn's MLP does, at fit: torch would otherwise fail deep
    inside the first step (or build an empty layer) for a zero or negative width.
    """
    if isinstance(sizes, str):
        return sizes  # "auto", the only string the parameter constraints let through
    widths = tuple(sizes)
    bad = [w for w in widths if not isinstance(w, Integral) or isinstance(w, bool) or w <= 0]
    if bad:
        raise ValueError(
            f"{name} must hold positive integer layer widths, got {sizes!r} "
            f"(invalid: {', '.join(map(repr, bad))}); e.g. {name}=(100, 100) or 'auto'."
        )
    if name == "hidden_layer_sizes" and not widths:
        raise ValueError(
            "hidden_layer_sizes must hold at least one layer width, got (); "
            "e.g. hidden_layer_sizes=(100, 100) or 'auto'."
        )
    return tuple(int(w) for w in widths)


def built_or_given(sizes, built):
    """Widths a continued fit asks for: as built for "auto", else the tuple given."""
    return built if isinstance(sizes, str) else tuple(sizes)


def check_original_layer_sizes(architecture, hidden_sizes, generator_sizes):
    """The original networks have the Keras script's number of layers."""
    if architecture != "sgan_original":
        return
    for name, sizes, count in (
        ("hidden_layer_sizes", hidden_sizes, 4),
        ("generator_layer_sizes", generator_sizes, 2),
    ):
        if len(sizes) != count:
            raise ValueError(
                f"architecture='sgan_original' has the Keras SGAN script's layers: "
                f"{name} must hold {count} channel counts, got {sizes}; e.g. "
                f"{name}={CONV_LAYER_SIZES['sgan_original'][name]} or 'auto'."
            )


def check_image_shape(architecture, image_shape, n_features, is_sparse, layer_sizes):
    """Refuse an image shape that does not fit ``X`` or the networks, naming the fix."""
    if image_shape is None:
        if architecture != "mlp":
            raise ValueError(
                f"architecture={architecture!r} needs image_shape=(channels, height, width) "
                f"of the images in the rows of X ({n_features} columns), e.g. "
                "image_shape=(1, 28, 28) for MNIST."
            )
        return None
    shape = tuple(image_shape)
    if len(shape) != 3 or not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in shape
    ):
        raise ValueError(
            f"image_shape must be (channels, height, width) of positive ints, got "
            f"{image_shape!r}; e.g. image_shape=(1, 28, 28) or (3, 32, 32)."
        )
    shape = tuple(int(s) for s in shape)
    if math.prod(shape) != n_features:
        raise ValueError(
            f"image_shape={shape} holds {math.prod(shape)} values per image, but X has "
            f"{n_features} columns. Rows must be images flattened channel by channel "
            "(images.reshape(len(images), -1) of an (n, channels, height, width) array); "
            "pass the shape they had."
        )
    if architecture == "mlp":
        return shape
    if is_sparse:
        raise ValueError(
            f"architecture={architecture!r} takes dense images; X is a sparse matrix. "
            "Pass X.toarray(), or use architecture='mlp'."
        )
    n_strided = 3 if architecture == "sgan_original" else len(layer_sizes)
    smallest = 2**n_strided
    if min(shape[1:]) < smallest:
        raise ValueError(
            f"image_shape={shape} is too small for architecture={architecture!r}: its "
            f"{n_strided} stride-2 convolutions need images of at least {smallest}x{smallest} "
            f"pixels. Use fewer hidden_layer_sizes (one per stride-2 convolution) or "
            "architecture='mlp'."
        )
    return shape


def check_device(device):
    """``device`` as a ``torch.device`` that this machine has."""
    try:
        checked = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use e.g. 'cpu' or 'cuda'."
        ) from exc
    if checked.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this "
            "machine; use device='cpu'."
        )
    return checked


def check_learning_rate_schedule(schedule, training, max_epochs, epochs_done):
    """Refuse schedule settings that cannot take effect, or a fit past the schedule's end."""
    decay_start, schedule_epochs = training["decay_start"], training["schedule_epochs"]
    if decay_start != 0.5 and schedule != "linear_decay":
        raise ValueError(
            f"train__decay_start={decay_start} sets where the 'linear_decay' schedule "
            f"starts lowering the learning rates, but learning_rate_schedule={schedule!r}. "
            "Set learning_rate_schedule='linear_decay', or leave train__decay_start at 0.5."
        )
    if schedule_epochs is None:
        return
    if schedule != "linear_decay":
        raise ValueError(
            f"train__schedule_epochs={schedule_epochs} sets the length of the "
            f"'linear_decay' schedule, but learning_rate_schedule={schedule!r}. Set "
            "learning_rate_schedule='linear_decay', or train__schedule_epochs=None."
        )
    if epochs_done + max_epochs > schedule_epochs:
        raise ValueError(
            f"This fit would train epochs {epochs_done + 1}-{epochs_done + max_epochs}, past "
            f"train__schedule_epochs={schedule_epochs}, where the 'linear_decay' learning "
            f"rate is 0. Lower max_epochs to at most {schedule_epochs - epochs_done}, or "
            "raise train__schedule_epochs."
        )
