"""Input scaling: the scaler ``input_scaling`` names, fitted per feature or per channel."""

from functools import partial

import numpy as np
from scipy import sparse
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from sklearn.utils.sparsefuncs import min_max_axis

# Scaler for dense and for sparse input.
_SCALINGS = {
    "minmax": (MinMaxScaler, MaxAbsScaler),
    "standard": (StandardScaler, partial(StandardScaler, with_mean=False)),
}


def feature_bounds(X):
    """Per-feature minimum and maximum of a dense array or CSR matrix."""
    if sparse.issparse(X):
        return min_max_axis(X, axis=0)
    return X.min(axis=0), X.max(axis=0)


# "standard" scaling never divides a feature by less than this fraction of its range.
RANGE_FRACTION = 1 / 6


def _floor_scale(scaler, X):
    """Never divide a feature by less than a sixth of its range.

    Plain standardisation blows rare features up (an MNIST border pixel with
    standard deviation 0.01, or a one-hot column that is rarely 1, becomes
    values near 100); with the floor a rare value lands at most about 6 from
    the mean. The floor is each feature's own, so features in large units do not
    squash the others (as a floor shared by all features would).
    """
    low, high = feature_bounds(X)
    scaler.scale_ = np.maximum(scaler.scale_, RANGE_FRACTION * (high - low))


def _fit_per_channel(scaler, X, image_shape):
    """Fit ``scaler`` with one statistic per image channel, spread over its pixels.

    Scaling every pixel by its own statistics would distort images (a border
    pixel that is almost always dark would be stretched to the range of the
    centre); per channel, as image pipelines normalise, every pixel of a channel
    shares its mean and scale. The fitted scaler is a plain per-feature scaler
    whose statistics repeat per channel, so it transforms, inverts and is stored
    like any other.
    """
    n_channels = image_shape[0]
    per_channel = X.reshape(len(X), n_channels, -1).transpose(0, 2, 1).reshape(-1, n_channels)
    scaler.fit(per_channel)
    n_pixels = X.shape[1] // n_channels
    for name, value in list(vars(scaler).items()):
        if name.endswith("_") and isinstance(value, np.ndarray) and value.shape == (n_channels,):
            setattr(scaler, name, np.repeat(value, n_pixels))
    scaler.n_features_in_ = X.shape[1]
    scaler.n_samples_seen_ = len(X)
    return scaler


def fitted_scaler(input_scaling, X, per_channel_shape=None):
    """The scaler ``input_scaling`` names, fitted on ``X`` (None for no scaling).

    With ``per_channel_shape`` (the image shape of convolutional networks), one
    statistic per image channel.
    """
    if input_scaling is None:
        return None
    dense_scaler, sparse_scaler = _SCALINGS[input_scaling]
    scaler = sparse_scaler() if sparse.issparse(X) else dense_scaler()
    if per_channel_shape is not None:
        return _fit_per_channel(scaler, X, per_channel_shape)
    scaler.fit(X)
    if input_scaling == "standard":
        _floor_scale(scaler, X)
    return scaler


def scaling_of(scaler):
    """The ``input_scaling`` that made ``scaler``."""
    if scaler is None:
        return None
    return "standard" if isinstance(scaler, StandardScaler) else "minmax"


def scaled(scaler, X):
    """Float32 scaled rows (CSR stays CSR); never modified downstream."""
    if scaler is not None:
        X = scaler.transform(X)
    # The scaler already returns a fresh array: converting it without a
    # copy keeps fit's peak memory at one scaled copy of float32 input.
    return X.astype(np.float32, copy=False)
