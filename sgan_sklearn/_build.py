"""Building the skorch net from the estimator's parameters, and handing changed
parameters to a built net when a warm-started fit continues it."""

import copy

import numpy as np
import torch
from scipy import sparse

from ._auto import _resolve_layer_sizes, _resolve_neighbor_weight, _resolve_steps_per_epoch
from ._callbacks import cloned_callbacks
from ._conv import ConvDiscriminator, ConvGenerator, OriginalDiscriminator, OriginalGenerator
from ._modules import Discriminator, Generator
from ._net import SGANNet, rows_to_tensor
from ._params import (
    BUILT_IN_NETWORK_DEFAULTS,
    built_or_given,
    check_image_shape,
    check_original_layer_sizes,
    optimizer_settings,
    prefixed,
    training_settings,
)
from ._precision import training_dtype
from ._scaling import feature_bounds, fitted_scaler, scaling_of

# Networks per architecture: (discriminator, generator).
NETWORKS = {
    "mlp": (Discriminator, Generator),
    "conv": (ConvDiscriminator, ConvGenerator),
    "sgan_original": (OriginalDiscriminator, OriginalGenerator),
}
_BUILT_IN_DISCRIMINATORS = tuple(pair[0] for pair in NETWORKS.values())
_BUILT_IN_MODULES = tuple(c for pair in NETWORKS.values() for c in pair)
# Training-loop settings that shape the epoch rather than the net's step.
_EPOCH_SETTINGS = ("min_steps_per_epoch", "max_passes_per_epoch", "labeled_batch_size")
# Read by the estimator before the net is built; the net never sees it.
_DATA_SETTINGS = ("group_labels",)


def brings_networks(estimator):
    return estimator.discriminator is not None or estimator.generator is not None


def network_kind(estimator):
    """The architecture the data rules see: "custom" where the user brings a network."""
    return "custom" if brings_networks(estimator) else estimator.architecture


def steps_per_epoch(estimator, n_rows):
    training = training_settings(estimator)
    return _resolve_steps_per_epoch(
        n_rows,
        estimator.batch_size_,
        training["min_steps_per_epoch"],
        training["max_passes_per_epoch"],
    )


def _training_dtype(estimator, device, n_features):
    if brings_networks(estimator):
        # Built-in parts next to a user's network train in float32 (checked at fit).
        return torch.float32
    return training_dtype(estimator.precision, device, n_features)


def _net_settings(estimator, n_rows):
    """The net's settings that may change between warm-started fits."""
    training = training_settings(estimator)
    discriminator_optimizer, generator_optimizer = optimizer_settings(estimator)
    steps = steps_per_epoch(estimator, n_rows)
    return {
        **{k: v for k, v in training.items() if k not in _EPOCH_SETTINGS + _DATA_SETTINGS},
        "neighbor_weight": _resolve_neighbor_weight(
            training["neighbor_weight"],
            estimator.n_features_in_,
            network_kind(estimator),
        ),
        **{f"optimizer__{k}": v for k, v in discriminator_optimizer.items()},
        **{f"generator_optimizer__{k}": v for k, v in generator_optimizer.items()},
        "lr": estimator.learning_rate,
        "learning_rate_schedule": estimator.learning_rate_schedule,
        "unsupervised_weight": estimator.unsupervised_weight,
        "generator_loss": estimator.generator_loss,
        "averaging_decay": estimator.averaging_decay,
        "max_epochs": estimator.max_epochs,
        "batch_size": estimator.batch_size_,
        "labeled_batch_size": training["labeled_batch_size"] or estimator.batch_size_,
        "steps_per_epoch": steps,
        "verbose": estimator.verbose,
        # Callbacks start afresh with every fit, as on the first one.
        "callbacks": cloned_callbacks(estimator, steps),
    }


def make_net(estimator, X, seed, device):
    """The skorch net for the scaled training rows ``X`` of a fitting ``estimator``."""
    n_rows, n_features = X.shape
    low, high = feature_bounds(X)
    dtype = _training_dtype(estimator, device, n_features)
    discriminator, discriminator_args = _network(estimator, "discriminator", n_features, dtype)
    generator, generator_args = _network(estimator, "generator", n_features, dtype, low, high)
    return SGANNet(
        discriminator,
        generator=generator,
        **discriminator_args,
        **generator_args,
        criterion=torch.nn.CrossEntropyLoss,
        criterion__label_smoothing=estimator.label_smoothing_,
        optimizer=torch.optim.Adam,
        # The fused CPU/CUDA kernel does one pass over the weights per step.
        optimizer__fused=True,
        seed=seed,
        train_split=None,
        device=str(device),
        **_net_settings(estimator, n_rows),
    )


def _network(estimator, name, n_features, dtype, low=None, high=None):
    """``(module, prefixed keyword arguments)`` of network ``name`` for the skorch net.

    A user's class gets its ``name__*`` arguments; a user's instance is
    copied, so the object passed is never trained; otherwise the built-in
    network of ``architecture``, with its ``name__*`` arguments.
    """
    prefix = "module" if name == "discriminator" else "generator"
    given = getattr(estimator, name)
    if isinstance(given, torch.nn.Module):
        return copy.deepcopy(given), {}
    if given is not None:
        return given, {f"{prefix}__{k}": v for k, v in prefixed(estimator, name).items()}
    if estimator.architecture == "mlp":
        args = dict(n_features=n_features)
    else:
        args = dict(image_shape=estimator.image_shape_)
    args.update(BUILT_IN_NETWORK_DEFAULTS[name], **prefixed(estimator, name))
    if name == "discriminator":
        args.update(
            n_classes=len(estimator.classes_),
            hidden_layer_sizes=estimator.hidden_layer_sizes_,
            input_noise=estimator.input_noise_,
            hidden_noise=estimator.hidden_noise,
            compute_dtype=dtype,
        )
    else:
        # Generated rows stay in the box of the scaled training rows.
        args.update(
            hidden_layer_sizes=estimator.generator_layer_sizes_,
            low=low,
            high=high,
            compute_dtype=dtype,
        )
    built_in = NETWORKS[estimator.architecture][0 if name == "discriminator" else 1]
    return built_in, {f"{prefix}__{k}": v for k, v in args.items()}


def check_network_params(estimator):
    """Refuse arguments for networks a user brings that cannot take effect."""
    for name in ("discriminator", "generator"):
        given, args = getattr(estimator, name), prefixed(estimator, name)
        if args and isinstance(given, torch.nn.Module):
            raise ValueError(
                f"{', '.join(f'{name}__{k}' for k in sorted(args))} are arguments for a "
                f"{name} class, but {name} is an instance. Pass {name}=YourModule (the "
                "class) with them, or drop them."
            )
        if isinstance(given, type) and not issubclass(given, torch.nn.Module):
            raise ValueError(
                f"{name} must be a torch.nn.Module subclass or instance, got {given!r}."
            )
    built_in = NETWORKS[estimator.architecture][0]
    if training_settings(estimator)["initialize_with_noise"] and (
        estimator.discriminator is not None or not hasattr(built_in, "initialize_from")
    ):
        which = (
            "your discriminator"
            if estimator.discriminator is not None
            else f"architecture={estimator.architecture!r}"
        )
        raise ValueError(
            "train__initialize_with_noise=True shapes the data-dependent initialisation of "
            f"the built-in 'mlp' and 'conv' discriminators; {which} has none. Use "
            "architecture='mlp' or 'conv', or train__initialize_with_noise=False."
        )
    if brings_networks(estimator) and estimator.precision == "bfloat16":
        raise ValueError(
            "precision='bfloat16' applies to the built-in networks only; with your own "
            "discriminator or generator use precision='auto' or 'float32' (your modules "
            "can cast inside their forward)."
        )


def check_network_contract(net, X, n_classes):
    """Run a user's networks on two rows; refuse outputs the training cannot use."""
    x = rows_to_tensor(X, np.arange(min(2, X.shape[0])), net.device)
    n, n_features = len(x), X.shape[1]
    contract = (
        "A discriminator maps (batch, n_features) scaled rows to (batch, n_classes) "
        "class logits (the fake logit is fixed at 0), and with return_features=True to "
        "(logits, features), features of shape (batch, n_hidden) for feature matching; "
        "a generator maps generator.sample_noise(batch, device) (or uniform noise of "
        "size generator.latent_dim) to (batch, n_features) rows. See the user guide, "
        "'Your own networks'."
    )
    with torch.no_grad():
        net.module_.eval()
        net.generator_.eval()
        try:
            logits = net.module_(x)
            both = net.module_(x, return_features=True)
            rows = net.generator_(net.noise(n))
        except Exception as exc:
            raise ValueError(f"Your networks failed on two rows: {exc!r}. {contract}") from exc
        finally:
            net.module_.train()
            net.generator_.train()
    problems = []
    if tuple(getattr(logits, "shape", ())) != (n, n_classes):
        problems.append(
            f"discriminator(x) gave shape {tuple(getattr(logits, 'shape', ()))}, "
            f"expected ({n}, {n_classes})"
        )
    if not (isinstance(both, tuple) and len(both) == 2 and both[1].ndim == 2):
        problems.append("discriminator(x, return_features=True) is not (logits, features 2-D)")
    if tuple(getattr(rows, "shape", ())) != (n, n_features):
        problems.append(
            f"generator(noise) gave shape {tuple(getattr(rows, 'shape', ()))}, "
            f"expected ({n}, {n_features})"
        )
    if problems:
        raise ValueError("; ".join(problems) + ". " + contract)


# ----- warm start ----------------------------------------------------------------
def _shape_of_networks(estimator, device):
    """What the networks ``estimator``'s parameters ask for, as the built net records it."""
    classes = []
    for index, name in enumerate(("discriminator", "generator")):
        given = getattr(estimator, name)
        if given is None:
            classes.append(NETWORKS[estimator.architecture][index])
        else:
            classes.append(given if isinstance(given, type) else type(given))
    training = training_settings(estimator)
    latent_dim = {**BUILT_IN_NETWORK_DEFAULTS["generator"], **prefixed(estimator, "generator")}
    return {
        "architecture": estimator.architecture if not brings_networks(estimator) else "custom",
        "discriminator": classes[0].__name__,
        "generator": classes[1].__name__,
        "image_shape": None if estimator.image_shape is None else tuple(estimator.image_shape),
        # "auto" keeps the widths it resolved to when the networks were built.
        "hidden_layer_sizes": None
        if estimator.discriminator is not None
        else built_or_given(estimator.hidden_layer_sizes, estimator.hidden_layer_sizes_),
        "generator_layer_sizes": None
        if estimator.generator is not None
        else built_or_given(estimator.generator_layer_sizes, estimator.generator_layer_sizes_),
        "generator__latent_dim": None
        if estimator.generator is not None
        else latent_dim["latent_dim"],
        "input_scaling": estimator.input_scaling,
        "train__generator_start": training["generator_start"],
        "train__initialize_with_noise": training["initialize_with_noise"],
        "device": device,
    }


def check_can_continue(estimator, device):
    """Refuse a continued fit whose changed parameters need new networks."""
    net = estimator.net_
    built_classes = (type(net.module_), type(net.generator_))
    built_with = {
        "architecture": next(
            (a for a, classes in NETWORKS.items() if classes == built_classes), "custom"
        ),
        "discriminator": built_classes[0].__name__,
        "generator": built_classes[1].__name__,
        "image_shape": estimator.image_shape_,
        # A network of one's own takes its arguments as they are (a hidden_layer_sizes
        # among them): only the built-in networks' widths are compared.
        "hidden_layer_sizes": None
        if estimator.discriminator is not None
        else getattr(net, "module__hidden_layer_sizes", None),
        "generator_layer_sizes": None
        if estimator.generator is not None
        else getattr(net, "generator__hidden_layer_sizes", None),
        # A generator of one's own takes its arguments as they are (latent_dim among
        # them): only the built-in generator's noise size is compared.
        "generator__latent_dim": None
        if estimator.generator is not None
        else getattr(net, "generator__latent_dim", None),
        "input_scaling": scaling_of(estimator.scaler_),
        "train__generator_start": net.generator_start,
        "train__initialize_with_noise": net.initialize_with_noise,
        "device": torch.device(net.device),
    }
    now = _shape_of_networks(estimator, device)
    changed = [name for name in built_with if built_with[name] != now[name]]
    if changed:
        details = ", ".join(f"{n} from {built_with[n]!r} to {now[n]!r}" for n in changed)
        raise ValueError(
            f"warm_start=True continues the fitted networks, but these parameters "
            f"changed since they were built: {details}. A change to them needs new "
            "networks (train__generator_start, train__initialize_with_noise: a new "
            "initialisation). Set warm_start=False to fit afresh, or set the "
            "parameters back."
        )


def apply_params_to_net(estimator, n_rows):
    """Hand the parameters that may change between warm-started fits to the net."""
    net = estimator.net_
    # Computed first (callbacks cloned and checked), so that a refused callback
    # leaves the net as it was.
    settings = _net_settings(estimator, n_rows)
    optimizers = {"optimizer": net.optimizer_, "generator_optimizer": net.optimizer_generator_}
    for name, value in settings.items():
        prefix, _, key = name.partition("__")
        if prefix in optimizers and key != "lr":
            for group in optimizers[prefix].param_groups:
                group[key] = value
    for prefix, name in (("optimizer", "lr"), ("generator_optimizer", "generator_optimizer__lr")):
        # Only a changed rate is written, so that a rate an LRScheduler has
        # lowered carries on where it was.
        if getattr(net, name) != settings[name]:
            for group in optimizers[prefix].param_groups:
                group["lr"] = settings[name]
    built_in = isinstance(net.module_, _BUILT_IN_DISCRIMINATORS)
    for discriminator in (net.module_, net.average_module_.module) if built_in else ():
        discriminator.input_noise.std = estimator.input_noise_
        for layer in discriminator.hidden_noise:
            layer.std = estimator.hidden_noise
    net.average_module_.decay = estimator.averaging_decay
    dtype = _training_dtype(estimator, net.device, estimator.n_features_in_)
    for module in (net.module_, net.generator_):
        if isinstance(module, _BUILT_IN_MODULES):
            module.compute_dtype = dtype
    if built_in:
        vars(net).update(
            module__compute_dtype=dtype,
            module__input_noise=estimator.input_noise_,
            module__hidden_noise=estimator.hidden_noise,
        )
    if estimator.generator is None:
        net.generator__compute_dtype = dtype
    net.criterion_.label_smoothing = net.criterion__label_smoothing = estimator.label_smoothing_
    vars(net).update(settings)
    net.initialize_callbacks()


def fitted_shapes_and_scaler(estimator, X, classes, hidden_sizes, generator_sizes):
    """Fitted attributes of a new fit: resolved network shapes, classes and scaler."""
    architecture = estimator.architecture
    hidden = _resolve_layer_sizes("hidden_layer_sizes", hidden_sizes, *X.shape, architecture)
    generator = _resolve_layer_sizes(
        "generator_layer_sizes", generator_sizes, *X.shape, architecture
    )
    check_original_layer_sizes(architecture, hidden, generator)
    image_shape = check_image_shape(
        architecture, estimator.image_shape, X.shape[1], sparse.issparse(X), hidden
    )
    per_channel = image_shape if architecture != "mlp" else None
    return {
        "hidden_layer_sizes_": hidden,
        "generator_layer_sizes_": generator,
        "image_shape_": image_shape,
        "classes_": classes,
        "scaler_": fitted_scaler(estimator.input_scaling, X, per_channel),
    }
