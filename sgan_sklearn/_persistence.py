"""Model files that cannot run code when loaded: ``SGANClassifier.save`` and ``load``.

A model file is a zip archive of two members:

- ``metadata.json``: the format name and version, the constructor parameters,
  the fitted attributes that are not arrays (classes, feature names, number of
  epochs, ...), the scaler's type and parameters, the training history and the
  state of the batch-order generator, all as plain JSON;
- ``weights.pt``: a dict of tensors (network and optimizer state, scaler
  statistics, the encoded ``transduction_``, ``label_distributions_``, the
  labeled rows' kernel ``predict_proba`` reads) written by
  ``torch.save`` and read
  back with ``torch.load(weights_only=True)``, which refuses anything but
  tensors and primitive containers.

Pickle and joblib files can run any code when loaded; they are for files you
made yourself. This format is for sharing models.
"""

import io
import json
import zipfile

import numpy as np
import torch
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from skorch.history import History

from ._build import brings_networks
from ._confidence import from_tensors, to_tensors
from ._scaling import TailLogStandardScaler

FORMAT_NAME = "sgan-sklearn-model"
FORMAT_VERSION = 1
_METADATA, _WEIGHTS = "metadata.json", "weights.pt"
_SCALERS = {
    cls.__name__: cls
    for cls in (MinMaxScaler, MaxAbsScaler, StandardScaler, TailLogStandardScaler)
}
_NET_MODULES = ("module_", "generator_", "average_module_")
_NET_OPTIMIZERS = ("optimizer_", "optimizer_generator_")
_NET_COUNTERS = ("steps_per_epoch", "seed", "steps_in_fit_", "steps_done_")
_LAYER_SIZES = ("hidden_layer_sizes", "generator_layer_sizes")
_METADATA_KEYS = (
    "format",
    "format_version",
    "sgan_sklearn_version",
    "params",
    "classes",
    "classes_dtype",
    "n_features_in",
    "layer_sizes",
    "feature_names_in",
    "n_iter",
    "termination_condition",
    "scaler",
    "net",
    "history",
)


class ModelFileError(ValueError):
    """A file that is not an sgan-sklearn model file, or not a complete one."""


def _check_json_labels(classes):
    values = classes.tolist()
    if not all(isinstance(v, bool | int | float | str) for v in values):
        types = sorted({type(v).__name__ for v in values})
        raise ValueError(
            f"save stores classes_ as JSON, which cannot hold labels of type "
            f"{', '.join(types)}. Use int, float or str labels, or pickle the model "
            "(trusted files only)."
        )
    return values


def _scaler_state(scaler):
    """JSON part and tensor part of a fitted scaler."""
    if scaler is None:
        return None, {}
    fitted, arrays = {}, {}
    for name, value in vars(scaler).items():
        if not name.endswith("_"):
            continue
        if isinstance(value, np.ndarray):
            arrays[name] = torch.from_numpy(np.ascontiguousarray(value))
        elif value is None or isinstance(value, bool | int | float):
            fitted[name] = value
        elif isinstance(value, np.generic):
            fitted[name] = value.item()
        else:
            raise ValueError(f"save cannot store the scaler attribute {name}={value!r}.")
    return {"type": type(scaler).__name__, "params": scaler.get_params(), "fitted": fitted}, arrays


def save(estimator, path, version):
    """Write the fitted ``estimator`` to ``path`` (see the module docstring) as ``version``."""
    if brings_networks(estimator):
        raise ValueError(
            "save writes models with the built-in networks only: a model file holds JSON "
            "and tensors, never code, so it cannot hold your discriminator or generator "
            "class. Pickle or joblib the estimator instead (for files you trust), or save "
            "the networks' state_dict() next to your own code."
        )
    net = estimator.net_
    params = estimator.get_params(deep=False)
    params["callbacks"] = None
    if params["image_shape"] is not None:
        params["image_shape"] = [int(s) for s in params["image_shape"]]
    for name in _LAYER_SIZES:
        if not isinstance(params[name], str):  # "auto" stays as it is
            params[name] = list(params[name])
    params["device"] = str(params["device"])
    for name, value in params.items():
        if isinstance(value, tuple):  # optimizer__betas and the like
            params[name] = list(value)
    if not (params["random_state"] is None or isinstance(params["random_state"], int)):
        params["random_state"] = None
    scaler, scaler_arrays = _scaler_state(estimator.scaler_)
    classes = estimator.classes_
    codes = np.searchsorted(classes, estimator.transduction_)
    metadata = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "sgan_sklearn_version": version,
        "params": params,
        "classes": _check_json_labels(classes),
        "classes_dtype": "object" if classes.dtype == object else classes.dtype.str,
        "n_features_in": int(estimator.n_features_in_),
        "layer_sizes": {name: list(getattr(estimator, name + "_")) for name in _LAYER_SIZES},
        "feature_names_in": (
            estimator.feature_names_in_.tolist()
            if hasattr(estimator, "feature_names_in_")
            else None
        ),
        "n_iter": int(estimator.n_iter_),
        "termination_condition": estimator.termination_condition_,
        "scaler": scaler,
        "net": {
            **{name: int(getattr(net, name)) for name in _NET_COUNTERS},
            "diverged_message": net.diverged_message_,
            "batch_rng": net.batch_rng_.bit_generator.state,
            "batch_size": int(estimator.batch_size_),
            "label_smoothing": float(estimator.label_smoothing_),
            "input_noise": float(estimator.input_noise_),
            "labeled_by_groups": int(estimator.n_labeled_by_groups_),
            "neighbor_weight": float(net.neighbor_weight),
        },
        "history": net.history_.to_list(),
    }
    weights = {
        **{name: getattr(net, name).state_dict() for name in _NET_MODULES + _NET_OPTIMIZERS},
        "scaler": scaler_arrays,
        "transduction": torch.from_numpy(codes.astype(np.int64)),
        "label_distributions": torch.from_numpy(estimator.label_distributions_),
        "labeled_kernel": to_tensors(getattr(estimator, "labeled_kernel_", None)),
    }
    buffer = io.BytesIO()
    torch.save(weights, buffer)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_METADATA, json.dumps(metadata, indent=1))
        archive.writestr(_WEIGHTS, buffer.getvalue())


def _read(path):
    """The metadata and weights of the model file at ``path``, checked for shape."""
    try:
        with zipfile.ZipFile(path) as archive:
            missing = sorted({_METADATA, _WEIGHTS} - set(archive.namelist()))
            if missing:
                raise ModelFileError(
                    f"{path} is a zip archive but not an sgan-sklearn model file: it lacks "
                    f"{', '.join(missing)}."
                )
            metadata_bytes = archive.read(_METADATA)
            weights_bytes = archive.read(_WEIGHTS)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ModelFileError(
            f"{path} is not a readable sgan-sklearn model file ({exc}); it may be truncated "
            "or not made by SGANClassifier.save."
        ) from exc
    try:
        metadata = json.loads(metadata_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path}: {_METADATA} is not valid JSON ({exc}).") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ModelFileError(f"{path}: {_METADATA} does not describe an sgan-sklearn model.")
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"{path} has model file format version {version!r} (written by sgan_sklearn "
            f"{metadata.get('sgan_sklearn_version')}); this sgan_sklearn reads version "
            f"{FORMAT_VERSION}. Load it with the version that wrote it and refit, or save "
            "it again from there."
        )
    missing = [key for key in _METADATA_KEYS if key not in metadata]
    if missing:
        raise ModelFileError(f"{path}: {_METADATA} lacks {', '.join(missing)}.")
    try:
        weights = torch.load(io.BytesIO(weights_bytes), map_location="cpu", weights_only=True)
    except Exception as exc:
        # weights_only=True refuses any object but tensors and primitive containers.
        raise ModelFileError(
            f"{path}: {_WEIGHTS} was refused: it is damaged or holds objects other than "
            f"tensors ({type(exc).__name__}: {exc})."
        ) from exc
    expected = set(_NET_MODULES + _NET_OPTIMIZERS) | {
        "scaler",
        "transduction",
        "label_distributions",
    }
    # Files written before the labeled rows' kernel existed lack it.
    if not isinstance(weights, dict) or set(weights) - {"labeled_kernel"} != expected:
        found = sorted(weights) if isinstance(weights, dict) else type(weights).__name__
        raise ModelFileError(f"{path}: {_WEIGHTS} should hold {sorted(expected)}, found {found}.")
    return metadata, weights


def _rebuilt_scaler(state, arrays):
    if state is None:
        return None
    scaler = _SCALERS[state["type"]](**state["params"])
    for name, value in state["fitted"].items():
        setattr(scaler, name, value)
    for name, tensor in arrays.items():
        setattr(scaler, name, tensor.numpy())
    return scaler


def load(path, from_saved_state, device=None):
    """The estimator ``from_saved_state(params, fitted, seed, restore_net, device)`` makes
    of the model file at ``path``; any failure is a :class:`ModelFileError`."""
    metadata, weights = _read(path)
    try:
        return _rebuilt(from_saved_state, metadata, weights, device)
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError) as exc:
        raise ModelFileError(
            f"{path} does not match the structure of an sgan-sklearn model file "
            f"({type(exc).__name__}: {exc})."
        ) from exc


def _rebuilt(from_saved_state, metadata, weights, device):
    params = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in metadata["params"].items()
    }
    dtype = (
        object if metadata["classes_dtype"] == "object" else np.dtype(metadata["classes_dtype"])
    )
    classes = np.array(metadata["classes"], dtype=dtype)
    net_state = metadata["net"]
    fitted = {
        "classes_": classes,
        "n_features_in_": int(metadata["n_features_in"]),
        **{
            name + "_": tuple(int(w) for w in metadata["layer_sizes"][name])
            for name in _LAYER_SIZES
        },
        "image_shape_": params.get("image_shape"),
        "scaler_": _rebuilt_scaler(metadata["scaler"], weights["scaler"]),
        "n_iter_": int(metadata["n_iter"]),
        "termination_condition_": metadata["termination_condition"],
        # Files written before batch_size="auto" existed hold an int parameter.
        "batch_size_": int(net_state.get("batch_size", params["batch_size"])),
        # Files written before label_smoothing="auto" existed hold a float parameter.
        "label_smoothing_": float(net_state.get("label_smoothing", params["label_smoothing"])),
        # Files written before input_noise="auto" existed hold a float parameter.
        "input_noise_": float(net_state.get("input_noise", params["input_noise"])),
        # Files written before group labels existed trained on the labels as given.
        "n_labeled_by_groups_": int(net_state.get("labeled_by_groups", 0)),
        "transduction_": classes[weights["transduction"].numpy()],
        "label_distributions_": weights["label_distributions"].numpy(),
        "labeled_kernel_": from_tensors(weights.get("labeled_kernel", {})),
    }
    if metadata["feature_names_in"] is not None:
        fitted["feature_names_in_"] = np.array(metadata["feature_names_in"], dtype=object)

    def restore_net(net):
        for name in _NET_MODULES + _NET_OPTIMIZERS:
            getattr(net, name).load_state_dict(weights[name])
        for name in _NET_COUNTERS:
            setattr(net, name, int(net_state[name]))
        net.needs_data_init_ = False
        net.termination_condition_ = fitted["termination_condition_"]
        net.diverged_message_ = net_state["diverged_message"]
        # The weight the stored fit trained with (temperature="auto" reads it); files
        # written before the neighbour term existed trained without it.
        net.neighbor_weight = float(net_state.get("neighbor_weight", 0.0))
        net.batch_rng_ = np.random.default_rng()
        net.batch_rng_.bit_generator.state = net_state["batch_rng"]
        net.history_ = History(metadata["history"])

    return from_saved_state(params, fitted, net_state["seed"], restore_net, device=device)
