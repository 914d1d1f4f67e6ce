"""Input scaling: the scaler ``input_scaling`` names, fitted per feature or per channel."""

from functools import partial

import numpy as np
from scipy import sparse
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from sklearn.utils.sparsefuncs import min_max_axis

from ._auto import WIDE_INPUT

# A non-negative column whose largest value exceeds TAIL_RATIO times the median of its
# non-zero values (counts, frequencies, amounts of money) is log-transformed before
# it is standardised.
TAIL_RATIO = 10


class TailLogStandardScaler(StandardScaler):
    """Standardise, after ``log1p(x / m)`` on heavy-tailed non-negative columns.

    ``m`` is the column's median non-zero value. Heavy tails put most rows of such
    a column in a sliver near zero once standardised, where the input noise hides
    their differences; the logarithm spreads them out. Other columns are only
    standardised; zeros stay zeros, so sparse input stays sparse. Scales are
    floored as :func:`_floor_scale` says.
    """

    def fit(self, X, y=None, sample_weight=None):
        self.tail_scale_ = _tail_scales(X)
        logged = self._log(X)
        super().fit(logged, y, sample_weight)
        _floor_scale(self, logged)
        return self

    def transform(self, X, copy=None):
        logged = self._log(X)
        # A logged array is already a copy; the caller's array is never modified.
        return super().transform(logged, copy=copy if logged is X else False)

    def inverse_transform(self, X, copy=None):
        X = super().inverse_transform(X, copy=copy)
        return self._on_tail_columns(X, lambda values, scale: np.expm1(values) * scale)

    def _log(self, X):
        """``X`` with its heavy-tailed columns log-transformed (a new array if any)."""
        return self._on_tail_columns(
            X, lambda values, scale: np.log1p(np.maximum(values, 0) / scale)
        )

    def _on_tail_columns(self, X, function):
        """A float64 copy of ``X`` with ``function(values, scale)`` on its tailed columns.

        ``X`` itself where no column is heavy-tailed.
        """
        columns = self.tail_scale_ > 0
        if not columns.any():
            return X
        if sparse.issparse(X):
            X = X.tocsr(copy=True).astype(np.float64)
            scale = self.tail_scale_[X.indices]
            tail = scale > 0
            X.data[tail] = function(X.data[tail], scale[tail])
            return X
        X = np.array(X, dtype=np.float64, copy=True)
        X[:, columns] = function(X[:, columns], self.tail_scale_[columns])
        return X


def _tail_scales(X):
    """Per column: its median non-zero value if the column is heavy-tailed, else 0."""
    X = X.tocsc() if sparse.issparse(X) else np.asarray(X)
    scales = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        column = X[:, [j]].toarray().ravel() if sparse.issparse(X) else X[:, j]
        non_zero = column[column != 0]
        if non_zero.size and column.min() >= 0 and column.max() > TAIL_RATIO * np.median(non_zero):
            scales[j] = np.median(non_zero)
    return scales


# Scaler for dense and for sparse input.
_SCALINGS = {
    "minmax": (MinMaxScaler, MaxAbsScaler),
    "standard": (TailLogStandardScaler, partial(TailLogStandardScaler, with_mean=False)),
}


def feature_bounds(X):
    """Per-feature minimum and maximum of a dense array or CSR matrix."""
    if sparse.issparse(X):
        return min_max_axis(X, axis=0)
    return X.min(axis=0), X.max(axis=0)


# "standard" scaling never divides a feature by less than this fraction of its range.
RANGE_FRACTION = 1 / 6


def _floor_scale_shared(scaler):
    """Never divide a feature by less than the root-mean-square feature scale.

    For wide inputs (images given as rows), whose features share their units:
    a rarely lit border pixel keeps the typical magnitude.
    """
    scaler.scale_ = np.maximum(scaler.scale_, np.sqrt(np.mean(scaler.scale_**2)))


def _floor_scale(scaler, X):
    """Never divide a feature by less than a sixth of its range; two-valued ones by it.

    Plain standardisation blows rare features up (an MNIST border pixel with
    standard deviation 0.01 becomes values near 100); with the floor a rare value
    lands at most about 6 from the mean. The floor is each feature's own, so
    features in large units do not squash the others (as a floor shared by all
    features would). A two-valued feature (a flag, a one-hot category) is divided
    by the gap between its values, so they lie one apart: standardised, a rare
    category would stand several times farther out than the common ones and
    single out the few labeled rows that have it.
    """
    low, high = feature_bounds(X)
    spread = high - low
    scaler.scale_ = np.maximum(scaler.scale_, RANGE_FRACTION * spread)
    two_valued = _two_valued(X, low, high) & (spread > 0)
    scaler.scale_[two_valued] = spread[two_valued]


def _two_valued(X, low, high):
    """Per feature: whether every value is the feature's minimum or its maximum."""
    if not sparse.issparse(X):
        return ((X == low) | (X == high)).all(axis=0)
    X = X.tocsr()
    columns = X.indices
    other = (X.data != low[columns]) & (X.data != high[columns])
    stored = np.bincount(columns, minlength=X.shape[1])
    # Rows that store nothing hold a zero, which must then be one of the two values.
    zeros_fit = (stored == X.shape[0]) | (low == 0) | (high == 0)
    return (np.bincount(columns[other], minlength=X.shape[1]) == 0) & zeros_fit


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
    wide = X.shape[1] >= WIDE_INPUT
    if isinstance(scaler, TailLogStandardScaler) and (wide or per_channel_shape is not None):
        # Pixels share their units: no column is heavy-tailed.
        scaler = StandardScaler(with_mean=scaler.with_mean)
    if per_channel_shape is not None:
        return _fit_per_channel(scaler, X, per_channel_shape)
    scaler.fit(X)
    if input_scaling == "standard" and wide:
        _floor_scale_shared(scaler)
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
