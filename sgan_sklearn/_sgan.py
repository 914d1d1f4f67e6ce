"""SGANClassifier: a semi-supervised GAN behind a scikit-learn estimator face."""

import copy
import math
import os
import sys
import threading
import warnings
from contextlib import contextmanager
from functools import partial
from numbers import Integral, Real

import numpy as np
import sklearn
import torch
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
from sklearn.utils import _safe_indexing, column_or_1d
from sklearn.utils._param_validation import Interval, StrOptions, validate_parameter_constraints
from sklearn.utils.sparsefuncs import min_max_axis
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch.callbacks import Callback, Checkpoint, EarlyStopping, LRScheduler, ProgressBar
from skorch.callbacks.scoring import ScoringBase

from ._conv import (
    ConvDiscriminator,
    ConvGenerator,
    OriginalDiscriminator,
    OriginalGenerator,
)
from ._labels import encode_labels, labeled_mask
from ._modules import Discriminator, Generator
from ._net import SemiSupervisedData, SGANNet
from ._precision import PRECISIONS, training_dtype
from .plotting import SampleGrid

__all__ = ["SGANClassifier"]

# Scaler for dense and for sparse input.
_SCALINGS = {
    "minmax": (MinMaxScaler, MaxAbsScaler),
    "standard": (StandardScaler, partial(StandardScaler, with_mean=False)),
}


def _feature_bounds(X):
    """Per-feature minimum and maximum of a dense array or CSR matrix."""
    if sparse.issparse(X):
        return min_max_axis(X, axis=0)
    return X.min(axis=0), X.max(axis=0)


_PROCESS_WIDE_TORCH_STATE = threading.RLock()

# hidden_layer_sizes="auto" and generator_layer_sizes="auto": the Improved-GAN
# MNIST widths, halved for small tabular data (narrower than WIDE_INPUT features
# and at most SMALL_DATA rows), where the half-width networks were as accurate or
# better and several times cheaper; on the 16,000 rows of UCI Letter the full
# widths were ahead (docs/benchmarks.md).
WIDE_INPUT = 256
SMALL_DATA = 10_000
# batch_size="auto": the Improved-GAN batch of 100 rows, and larger batches (so
# fewer steps for the same rows) on small tabular data, where a step's cost is
# mostly per-operation overhead that does not grow with the batch; chosen on
# validation rows (docs/speed.md). Where a class has fewer than
# LARGE_BATCH_MIN_LABELS labels the 100-row batches' more, noisier steps were
# clearly more accurate on small data, so the larger batch waits for more labels.
# min_steps_per_epoch="auto" makes an epoch at least ROWS_PER_EPOCH rows
# whatever the batch.
BATCH_SIZE = 100
SMALL_DATA_BATCH_SIZE = 300
LARGE_BATCH_MIN_LABELS = 5
ROWS_PER_EPOCH = 5_000
# label_smoothing="auto" and temperature="auto", chosen on rows held out of the fit
# (benchmarks/temperature.py; docs/speed.md, "Choosing the defaults"). Where the
# rarest class has fewer than LARGE_BATCH_MIN_LABELS labels, FEW_LABELS_SMOOTHING was
# 2-4 points more accurate than the plain cross-entropy; with 5 or more labels in
# every class the plain cross-entropy, its class logits divided by
# SMOOTHING_FREE_TEMPERATURE at prediction time, was as accurate and had the lower
# log loss on digits, Letter and MNIST; of the temperatures, 2 had the lowest mean
# calibration error on those three (log loss within 1% of the lowest, at 2.5).
FEW_LABELS_SMOOTHING = 0.05
SMOOTHING_FREE_TEMPERATURE = 2.0
_AUTO_LAYER_SIZES = {
    "hidden_layer_sizes": {"full": (500, 250, 250), "half": (250, 125, 125)},
    "generator_layer_sizes": {"full": (250, 250), "half": (125, 125)},
}
# Channels of the convolutional networks, coarsest generator map first. The
# original's are the Keras SGAN script's; "conv" is chosen in docs/benchmarks.md.
_CONV_LAYER_SIZES = {
    "conv": {"hidden_layer_sizes": (32, 64, 128), "generator_layer_sizes": (64, 32)},
    "sgan_original": {
        "hidden_layer_sizes": (32, 64, 128, 256),
        "generator_layer_sizes": (128, 64),
    },
}
# Networks per architecture: (discriminator, generator).
_NETWORKS = {
    "mlp": (Discriminator, Generator),
    "conv": (ConvDiscriminator, ConvGenerator),
    "sgan_original": (OriginalDiscriminator, OriginalGenerator),
}


# Prefixes of the keyword arguments for networks a user brings (skorch's style).
_NETWORK_PREFIXES = ("discriminator__", "generator__")


def _is_small_tabular(n_samples, n_features, architecture):
    return architecture == "mlp" and n_features < WIDE_INPUT and n_samples <= SMALL_DATA


def _resolve_layer_sizes(name, sizes, n_samples, n_features, architecture="mlp"):
    """Checked widths ``sizes`` of parameter ``name``, "auto" resolved for the data's shape."""
    if sizes != "auto":
        return sizes
    if architecture != "mlp":
        return _CONV_LAYER_SIZES[architecture][name]
    small = _is_small_tabular(n_samples, n_features, architecture)
    return _AUTO_LAYER_SIZES[name]["half" if small else "full"]


def _resolve_batch_size(batch_size, n_samples, n_features, architecture, fewest_labels):
    """``batch_size``, "auto" resolved for the data's shape and the labels of its rarest class."""
    if batch_size != "auto":
        return batch_size
    enough_labels = fewest_labels >= LARGE_BATCH_MIN_LABELS
    if enough_labels and _is_small_tabular(n_samples, n_features, architecture):
        return SMALL_DATA_BATCH_SIZE
    return BATCH_SIZE


def _resolve_label_smoothing(label_smoothing, fewest_labels):
    """``label_smoothing``, "auto" resolved for the labels of the rarest class."""
    if label_smoothing != "auto":
        return float(label_smoothing)
    return FEW_LABELS_SMOOTHING if fewest_labels < LARGE_BATCH_MIN_LABELS else 0.0


def _check_image_shape(architecture, image_shape, n_features, is_sparse, layer_sizes):
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


def _check_rows(X):
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


def _built_or_given(sizes, built):
    """Widths a continued fit asks for: as built for "auto", else the tuple given."""
    return built if isinstance(sizes, str) else tuple(sizes)


def _check_layer_sizes(name, sizes):
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


# Warnings from fit point at the first frame outside these packages: the user's
# line, even through scikit-learn's fit wrapper or a Pipeline (what Python 3.12's
# ``skip_file_prefixes`` does, computed here so that 3.10 and 3.11 get it too).
_INTERNAL_PREFIXES = tuple(os.path.dirname(path) + os.sep for path in (__file__, sklearn.__file__))


def _user_stacklevel():
    """``stacklevel`` for a ``warnings.warn`` in the caller that names the user's frame."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL_PREFIXES):
        frame, level = frame.f_back, level + 1
    return level


@contextmanager
def _torch_threads(n_threads):
    """Use ``n_threads`` torch CPU threads inside the block (None: leave as is)."""
    previous = torch.get_num_threads()
    if n_threads is not None:
        torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


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
    low, high = _feature_bounds(X)
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


def _scaling_of(scaler):
    """The ``input_scaling`` that made ``scaler``."""
    if scaler is None:
        return None
    return "standard" if isinstance(scaler, StandardScaler) else "minmax"


def _torch_seed(random_state):
    """A 63-bit seed from ``random_state`` without touching global RNG state."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**63 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    return int(random_state)


def _package_version():
    # Imported at call time: the package __init__ imports this module first.
    from . import __version__

    return __version__


def _log_real_probability(logits):
    """``log P(real | x) = lse(l) - softplus(lse(l))`` for class logits ``l`` (fake logit 0)."""
    return torch.nn.functional.logsigmoid(torch.logsumexp(logits, dim=1))


def _adapted_to_the_gan(callback, steps_per_epoch, estimator):
    """A cloned skorch callback, told what it cannot know about the GAN's net."""
    if isinstance(callback, SampleGrid):
        # The net knows neither the scaler nor the image shape: the grid samples
        # through the estimator being fitted.
        callback.estimator_ = estimator
    if isinstance(callback, ProgressBar) and callback.batches_per_epoch == "auto":
        # skorch counts rows / batch_size; an epoch here is steps_per_epoch steps.
        callback.batches_per_epoch = steps_per_epoch
    if isinstance(callback, Checkpoint):
        # skorch saves module_ (the training discriminator) only: also keep what
        # predicts (the average) and the generator, so that load_best=True and
        # net_.load_params(checkpoint=...) restore the whole GAN.
        files = {}
        if callback.f_params is not None:
            files.update(f_generator="generator.pt", f_average_module="average_module.pt")
        if callback.f_optimizer is not None:
            files["f_optimizer_generator"] = "optimizer_generator.pt"
        for key, filename in files.items():
            if getattr(callback, key, None) is None:
                setattr(callback, key, filename)
    return callback


class SGANClassifier(ClassifierMixin, BaseEstimator):
    """Semi-supervised GAN classifier for partially labeled data.

    Rows of ``y`` equal to -1 are unlabeled. A generator and an (N+1)-way
    discriminator (N classes plus "fake") are trained against each other; the
    discriminator is the classifier (Odena, 2016; Salimans et al., 2016).

    The fake-class logit is fixed at 0, so the discriminator outputs N logits
    ``l``: ``P(y | x, real) = softmax(l)`` and ``P(real | x) = Z / (Z + 1)``
    with ``Z = sum(exp(l))``. Its loss is cross-entropy on labeled rows plus
    ``unsupervised_weight`` times the real-vs-fake loss on all training rows and
    on generated rows. The generator is trained by feature matching on the last
    hidden layer of the discriminator (or with the non-saturating GAN loss).
    Predictions use an exponential moving average of the discriminator weights.

    Inputs are scaled inside the estimator (``input_scaling``), so unscaled
    tabular data and pixels in [0, 1] or [0, 255] work without a user scaler.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    hidden_layer_sizes : "auto" or tuple of int, default="auto"
        Widths of the discriminator's hidden layers; for the convolutional
        architectures, the output channels of its convolutions. ``"auto"``:
        for ``architecture="mlp"``, the Improved-GAN MNIST widths
        ``(500, 250, 250)`` for inputs with at least 256 features (images) and
        ``(250, 125, 125)`` for narrower, tabular inputs, where the smaller
        network is as accurate and trains several times faster; ``(32, 64,
        128)`` for ``"conv"``; ``(32, 64, 128, 256)`` for ``"sgan_original"``.
        The widths used are in ``hidden_layer_sizes_``.

    architecture : {"mlp", "conv", "sgan_original"}, default="mlp"
        The networks. ``"mlp"``: the Improved-GAN multilayer perceptrons, for
        tabular data and for images alike. ``"conv"``: for images given as
        rows (see ``image_shape``), a weight-normalised convolutional
        discriminator (3x3 stride-2 convolutions, leaky ReLU, Gaussian noise)
        and a transposed-convolution generator. ``"sgan_original"``: the
        networks of the Keras SGAN script that popularised the method (Odena,
        2016): batch normalisation, dropout, a sigmoid real/fake head next to
        the (N+1)-way head, and an upsampling generator with tanh output;
        about six times the cost of ``"conv"`` per step on MNIST (see :ref:`results`).

    image_shape : tuple of int or None, default=None
        ``(channels, height, width)`` of the images in the rows of ``X``,
        which hold each image flattened channel by channel
        (``images.reshape(len(images), -1)`` of an ``(n, C, H, W)`` array).
        Required by the convolutional architectures, which need images of at
        least 8x8 pixels (one halving per stride-2 convolution); with
        ``"mlp"`` it is only checked against ``X`` and used to draw
        generated samples. With an image shape, inputs are scaled per channel
        (every pixel of a channel shares its mean and scale), not per pixel.

    generator_layer_sizes : "auto" or tuple of int, default="auto"
        Widths of the generator's hidden layers; for the convolutional
        architectures, the channels of its feature maps, coarsest first.
        ``"auto"``: for ``"mlp"``, ``(250, 250)`` for inputs with at least
        256 features and ``(125, 125)`` for narrower ones; ``(64, 32)`` for
        ``"conv"``; ``(128, 64)`` for ``"sgan_original"``. The widths used
        are in ``generator_layer_sizes_``.

    latent_dim : int, default=100
        Size of the generator's uniform noise input.

    input_noise : float, default=0.3
        Standard deviation of Gaussian noise added to the discriminator's
        (scaled) input during training.

    hidden_noise : float, default=0.5
        Standard deviation of Gaussian noise added after each hidden layer of
        the discriminator during training.

    generator_loss : {"feature_matching", "non_saturating"}, default="feature_matching"
        ``"feature_matching"`` minimises the mean absolute difference between
        the mean last-hidden-layer features of a generated and a real batch
        (Salimans et al., 2016);
        ``"non_saturating"`` maximises ``log P(real | G(z))`` (original SGAN).

    objective : {"improved_gan", "sgan_original"}, default="improved_gan"
        The discriminator's loss. ``"improved_gan"``: labeled cross-entropy
        plus ``unsupervised_weight`` times the real-vs-fake loss of the
        (N+1)-way output with the fake logit fixed at 0 (Salimans et al.,
        2016). ``"sgan_original"``: the Keras SGAN script's loss, half binary
        cross-entropy of a real/fake output (the network's own sigmoid head
        with ``architecture="sgan_original"``, else ``log P(real | x)`` from
        the class logits) and half (N+1)-way cross-entropy with class weights
        N/64 for a real class and 1/64 for "fake"; with
        ``generator_loss="non_saturating"`` the generator is trained against
        the same real/fake output, as in the script.

    generator_start : {"middle", "data_mean"}, default="middle"
        Where the generator's first samples sit inside the box of the scaled
        data (its samples always stay in that box): around its middle, as in the
        Improved-GAN code, or around the per-feature mean of the data.
        ``"data_mean"`` can shorten a slow start on pixel-like data and lower
        accuracy on small data sets (see :ref:`results`).

    initialize_with_noise : bool, default=False
        Whether the data-dependent initialisation of the discriminator's layers
        sees the training noise (``input_noise``, ``hidden_noise``), as in the
        Improved-GAN code, which initialises in train mode. The hidden layers'
        scales are fixed at initialisation, so with ``True`` every layer's signal
        stays smaller next to the noise for the whole fit: a stronger
        regulariser. Only the ``"mlp"`` and ``"conv"`` discriminators have a
        data-dependent initialisation; with another, ``True`` raises a
        ValueError.

    catch_up_steps : int, default=2
        Extra generator steps taken after every step on which the
        discriminator's real-vs-fake loss is below ``catch_up_threshold``; 0
        turns catch-up off. Early in training the discriminator often tells
        generated rows from real ones almost perfectly; its real-vs-fake term
        then has nearly no gradient, the unlabeled rows teach it nothing, and
        accuracy can stall at the labeled-only level for several epochs
        (see :ref:`troubleshooting`).

    catch_up_threshold : float, default=0.05
        Real-vs-fake loss (mean over a real and a generated batch, in nats)
        below which the generator catches up. It is about 0.2 to 0.3 while the
        two networks are balanced.

    unsupervised_weight : float, default=1.0
        Weight of the real-vs-fake term in the discriminator loss.

    label_smoothing : float in [0, 1) or "auto", default="auto"
        Label smoothing of the labeled rows' cross-entropy: the target puts
        ``label_smoothing`` spread evenly over the N classes and the rest on
        the row's class. ``"auto"``: 0.05 where the rarest class has fewer than
        5 labels, 0 (the plain cross-entropy of the Improved-GAN recipe)
        otherwise; the value used is in ``label_smoothing_``. Where some classes
        have only one or two labels the smoothing was 2-4 points more accurate
        on digits; with 5 labels or more in every class the two were as
        accurate, and the plain cross-entropy with ``temperature`` had the lower
        log loss (docs/speed.md, "Choosing the defaults"). Smoothing makes the
        entropy of ``predict_proba`` a poorer guide to which rows are predicted
        wrongly when labels are that few (docs/benchmarks.md, "Uncertainty
        sampling").

    temperature : float > 0 or "auto", default="auto"
        ``predict_proba`` is the softmax of the class logits divided by
        ``temperature``; it changes the probabilities, never ``predict``.
        Without label smoothing the discriminator learns its few labeled rows
        with near-certainty and puts most rows above 0.99; a temperature of 2
        gave the lowest mean expected calibration error on rows held out of the
        fit on digits, Letter and MNIST (each on its own: 2, 2 and 1.75;
        docs/speed.md, "Choosing the defaults"). ``"auto"``: 2 where ``label_smoothing_`` is
        0, 1 where the smoothing already softens the probabilities. Read when
        ``predict_proba`` is called, so ``set_params(temperature=...)`` takes
        effect without refitting (``label_distributions_`` keeps the
        temperature of the fit); the value in use is in ``temperature_``. With
        labeled rows held out from training, fit the temperature on them with
        :class:`~sklearn.calibration.CalibratedClassifierCV` with
        ``method="temperature"`` on a :class:`~sklearn.frozen.FrozenEstimator`
        of the fitted model and ``temperature=1``.

    max_epochs : int, default=30
        Number of epochs. An epoch is one pass over all rows, or
        ``min_steps_per_epoch`` steps if that is more, but never more than
        ``max_passes_per_epoch`` passes.

    batch_size : int or "auto", default="auto"
        Rows per unlabeled batch (and per generated batch). ``"auto"``: 300
        rows for small tabular data (the same rule as the "auto" widths: under
        256 features and at most 10,000 rows, ``architecture="mlp"``) with at
        least 5 labels in every class, 100 otherwise (the Improved-GAN batch).
        On small data a step costs about the same whatever its rows, so larger
        batches and fewer steps fit faster at the same accuracy; where a class
        has fewer labels the smaller batches' more, noisier steps were 1.4-4.3
        points more accurate. The batch used is in ``batch_size_``.

    labeled_batch_size : int or None, default=None
        Rows per labeled batch, cycled through the labeled rows; None means
        the batch size. Never more than the number of labeled rows.

    min_steps_per_epoch : int or "auto", default="auto"
        Lower bound on the number of steps per epoch, so that small data sets
        get enough optimisation steps with the same ``max_epochs``.
        ``"auto"``: enough steps for 5,000 rows (50 steps of 100 rows, 17 of
        300). A default fit on up to 5,000 rows takes 510 steps (17 per
        epoch), on more one step per batch of rows per epoch.

    max_passes_per_epoch : int, default=20
        Upper bound on the passes over the rows that ``min_steps_per_epoch``
        may add to an epoch, so that tiny data sets are not repeated hundreds
        of times. With the defaults it never binds (they add at most 17
        steps to an epoch); it does with smaller batches or more steps, e.g.
        ``batch_size=100, min_steps_per_epoch=50`` on 150 rows gives 30
        steps per epoch.

    learning_rate : float, default=0.003
        Adam learning rate of the discriminator.

    generator_learning_rate : float, default=0.003
        Adam learning rate of the generator.

    learning_rate_schedule : {"constant", "linear_decay"}, default="constant"
        ``"linear_decay"`` keeps both learning rates for the first half (see
        ``decay_start``) of the steps of each call to ``fit`` and then lowers
        them linearly, step by step, to 0 at its last step, so the weights
        settle at the end of the budget. The schedule restarts with every
        ``fit`` call (also with ``warm_start``) unless ``schedule_epochs`` is
        set. A skorch ``LRScheduler`` in ``callbacks`` needs ``"constant"``;
        with ``"linear_decay"``, which would override it, fit raises a
        ValueError.

    schedule_epochs : int or None, default=None
        Length of the ``"linear_decay"`` schedule in epochs, counted over
        warm-started fits: a fit continues the schedule from the epochs already
        trained (``n_iter_``) instead of restarting it. So a long decayed run
        can be trained in pieces, with a model file saved after each, e.g.
        ``schedule_epochs=300, max_epochs=10, warm_start=True`` called 30
        times trains as one 300-epoch fit would, and a fit cut short (Ctrl-C)
        continues where its last completed epoch left the schedule. None: the
        schedule spans each ``fit`` call. A fit that would train past
        ``schedule_epochs`` (where the rate is 0), or a value given with
        ``"constant"``, raises a ValueError.

    decay_start : float in [0, 1), default=0.5
        Fraction of the ``"linear_decay"`` schedule's steps at the full
        learning rates before the decay begins: 0.5 decays over the second
        half, ``2 / 3`` over the last third (the Bad GAN code's MNIST
        schedule, Dai et al., 2017), 0 from the first step. A value other than
        0.5 with ``learning_rate_schedule="constant"`` raises a ValueError.

    adam_beta1 : float, default=0.5
        Adam's first-moment decay, for both optimizers unless
        ``generator_adam_beta1`` is set (0.5 is the usual GAN setting).

    adam_beta2 : float, default=0.999
        Adam's second-moment decay, for both optimizers. The Bad GAN code
        uses 0.9999.

    generator_adam_beta1 : float or None, default=None
        Adam's first-moment decay for the generator alone; None: ``adam_beta1``.
        The Bad GAN code trains its feature-matching generator with 0.

    adam_epsilon : float, default=1e-4
        Adam's epsilon. The reference implementation adds 1e-8 inside the
        square root (an effective epsilon near 1e-4); ``1e-8`` outside it was
        measured to collapse training.

    averaging_decay : float, default=0.999
        Decay of the exponential moving average of the discriminator weights
        used for prediction; 0 predicts with the last weights.

    input_scaling : {"standard", "minmax"} or None, default="standard"
        How features are scaled before the networks see them. ``"standard"``
        centres each feature (not for sparse input) and divides it by its
        standard deviation, or by a sixth of its range where that is larger, so
        that rare values (border pixels, one-hot columns) are not blown up. ``"minmax"`` maps to [0, 1] (max-abs to [-1, 1] for
        sparse input): it helps long fits on pixels (MNIST), but was 3 and 24
        points less accurate than ``"standard"`` on digits and UCI Letter
        (docs/benchmarks.md). None uses the input as is. Whatever the scaling, the
        generator's samples are bounded to the per-feature range of the scaled
        training data (an unbounded generator collapsed MNIST training).

    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks. They are cloned at every ``fit`` (also with
        ``warm_start``); the objects passed are never modified. Supported:
        ``EarlyStopping(monitor="train_loss")`` (or another history key),
        ``Checkpoint`` (the clone also saves the averaged discriminator, the
        generator and its optimizer, so ``load_best=True`` restores the whole
        GAN), ``LRScheduler`` (drives the discriminator's optimizer; only with
        ``learning_rate_schedule="constant"``), ``GradientNormClipping`` (clips
        the discriminator's gradients), ``ProgressBar`` and
        :class:`sgan_sklearn.plotting.SampleGrid` (saves grids of generated
        images as training goes on). Refused with a
        ValueError that says why: ``EpochScoring`` and ``BatchScoring`` (training
        has no validation split, and the training rows are mostly unlabeled) and
        ``EarlyStopping(load_best=True)`` (it would restore the training
        discriminator only, not the averaged weights that predict).

    warm_start : bool, default=False
        If True and the estimator is fitted on the same classes and features,
        ``fit`` continues training from the current weights (and optimizer
        states) for another ``max_epochs`` epochs. Parameters changed with
        ``set_params`` since the last fit apply to the continued fit:
        ``max_epochs``, ``batch_size``, ``labeled_batch_size``,
        ``min_steps_per_epoch``, ``max_passes_per_epoch``, both learning rates
        (a rate that did not change keeps any value an ``LRScheduler`` gave
        it), ``learning_rate_schedule``, ``schedule_epochs``, ``decay_start``,
        ``adam_beta1``, ``adam_beta2``, ``generator_adam_beta1``,
        ``adam_epsilon``, ``input_noise``, ``hidden_noise``,
        ``generator_loss``, ``catch_up_steps``, ``catch_up_threshold``,
        ``unsupervised_weight``, ``label_smoothing``, ``averaging_decay``, ``callbacks`` (cloned
        afresh), ``verbose``, ``n_threads`` and ``random_state`` (seeds the new
        noise) and ``objective``. A change to ``architecture``, ``image_shape``,
        the class of ``discriminator`` or ``generator``, ``hidden_layer_sizes``,
        ``generator_layer_sizes``,
        ``latent_dim``, ``input_scaling`` (the scaler is fitted once),
        ``generator_start`` or ``initialize_with_noise`` (they only shape the
        initialisation) or ``device``
        needs new networks: ``fit`` raises a ValueError naming the parameters;
        set ``warm_start=False`` to fit afresh. A model loaded with
        :func:`sgan_sklearn.load` continues as well.

    verbose : int, default=0
        0 is silent; 1 prints one line per epoch (discriminator loss
        ``train_loss``, its supervised and unsupervised parts, generator loss
        and steps, accuracy on the labeled batches, duration); 2 adds a
        progress bar.

    device : str, default="cpu"
        Torch device to train and predict on, e.g. ``"cuda"``.

    n_threads : int or None, default=None
        Torch intra-op CPU threads used inside ``fit`` and ``predict_proba``
        (restored afterwards). None keeps torch's current setting. Set it to
        ``n_cpus // n_jobs`` when running several fits in parallel, e.g. in
        ``GridSearchCV(n_jobs=...)``, so that workers do not oversubscribe cores.
        torch's random state and thread count are process-wide, so fits in
        threads of one process (joblib's "threading" backend) run one at a
        time; use process-based backends (loky, the default, or Dask) for
        parallel fits.

    precision : {"auto", "float32", "bfloat16"}, default="auto"
        Precision of the networks' matrix multiplies during training.
        ``"auto"`` uses bfloat16 for inputs of at least 256 features (images)
        on CPUs with bfloat16 matrix instructions (AMX-BF16 or AVX512-BF16),
        where those multiplies run 2 to 6 times faster than float32 ones, and
        float32 elsewhere: for narrower inputs, where the slower bfloat16
        element-wise operations outweigh the faster multiplies, and on CUDA.
        Weights, gradients, optimizer state and losses stay in float32, and
        predictions are computed in float64.
        Force ``"float32"`` to get the same fit on machines with and without
        those instructions (``"auto"`` differs between them), or to rule
        precision out when investigating a diverging fit.

    discriminator : torch.nn.Module subclass or instance, or None, default=None
        Your own discriminator instead of the built-in one of
        ``architecture``: a class, built at fit with its ``discriminator__*``
        arguments, or an instance, which is copied so that the object passed
        is never trained. It maps ``(batch, n_features)`` scaled rows to
        ``(batch, n_classes)`` class logits (the fake logit is fixed at 0) and,
        called with ``return_features=True``, to ``(logits, features)``, where
        ``features`` of shape ``(batch, n_hidden)`` are what feature matching
        compares. Optional methods: ``initialize_from(x)`` (data-dependent
        initialisation on up to 500 scaled rows) and ``real_fake_logit(features)``
        (a real/fake head for ``objective="sgan_original"``).
        ``hidden_layer_sizes``, ``input_noise`` and ``hidden_noise`` shape the
        built-in discriminator only. See :ref:`own-networks`.

    generator : torch.nn.Module subclass or instance, or None, default=None
        Your own generator, given as ``discriminator`` is, with
        ``generator__*`` arguments for a class. It maps noise from its
        ``sample_noise(n_samples, device, generator=None)`` method (``generator``:
        the ``torch.Generator`` that :meth:`sample` seeds), or uniform noise of size
        its ``latent_dim`` attribute, to ``(batch, n_features)`` rows in the
        scaled input space; optional ``initialize_from(x, start)``.
        ``generator_layer_sizes`` and ``latent_dim`` shape the built-in
        generator only.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, noise and batch order. An int makes a CPU
        fit reproducible. The global torch, numpy and random states are never
        changed.

    **network_params : dict
        ``discriminator__<name>`` and ``generator__<name>`` keyword arguments of
        the ``discriminator`` and ``generator`` classes (skorch's convention);
        refused for instances and for the built-in networks.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labeled classes, sorted; never -1.

    batch_size_ : int
        Rows per unlabeled batch (``"auto"`` resolved).

    label_smoothing_ : float
        Label smoothing of the last fit (``"auto"`` resolved).

    temperature_ : float
        Temperature ``predict_proba`` divides the class logits by
        (``"auto"`` resolved).

    hidden_layer_sizes_ : tuple of int
        Widths of the discriminator's hidden layers (``"auto"`` resolved).

    generator_layer_sizes_ : tuple of int
        Widths of the generator's hidden layers (``"auto"`` resolved).

    image_shape_ : tuple of int or None
        The checked ``image_shape``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when ``X`` has string column names.

    label_distributions_ : ndarray of shape (n_samples, n_classes)
        Class probabilities of every training row (labeled rows included), as
        ``predict_proba`` gives them; rows sum to 1. The counterpart of
        LabelSpreading's attribute of that name.

    transduction_ : ndarray of shape (n_samples,)
        Predicted label of every training row (labeled rows included).

    n_iter_ : int
        Number of completed training epochs (summed over warm starts).

    termination_condition_ : {"max_epochs", "early_stopping", "interrupted", "diverged"}
        Why the last ``fit`` stopped.

    history_ : skorch.History
        Per-epoch and per-batch records: ``train_loss`` (discriminator),
        ``supervised_loss``, ``unsupervised_loss``, ``generator_loss``,
        ``generator_steps`` (generator steps per training step, catch-up
        included), ``labeled_accuracy``, ``dur``.

    discriminator_ : torch.nn.Module
        The discriminator with averaged weights, used for prediction; maps
        ``(batch, n_features_in_)`` scaled inputs to ``(batch, n_classes)`` logits.

    generator_ : torch.nn.Module
        The generator; maps ``generator_.sample_noise(batch, device)`` noise
        (uniform, of size ``latent_dim``; standard normal for
        ``"sgan_original"``) to ``(batch, n_features_in_)`` samples in the
        scaled input space.

    scaler_ : transformer or None
        The fitted input scaler.

    net_ : skorch.NeuralNet
        The skorch net that owns the modules, optimizers, callbacks and history.

    See Also
    --------
    sgan_sklearn.load : Load a model written by :meth:`save`.
    sklearn.semi_supervised.LabelSpreading : Graph-based semi-supervised learning.
    sklearn.semi_supervised.SelfTrainingClassifier : Self-training meta-estimator.

    References
    ----------
    A. Odena, "Semi-Supervised Learning with Generative Adversarial Networks",
    2016. arXiv:1606.01583.

    T. Salimans, I. Goodfellow, W. Zaremba, V. Cheung, A. Radford, X. Chen,
    "Improved Techniques for Training GANs", NeurIPS 2016. arXiv:1606.03498.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sgan_sklearn import SGANClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> y = y.copy()
    >>> y[np.random.default_rng(0).random(len(y)) < 0.7] = -1
    >>> clf = SGANClassifier(max_epochs=2, min_steps_per_epoch=20, random_state=0).fit(X, y)
    >>> clf.classes_
    array([0, 1, 2])
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)

    Save it to a model file that is safe to share, and load it back:

    >>> import os, tempfile
    >>> import sgan_sklearn
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.sgan")
    >>> _ = clf.save(path)
    >>> loaded = sgan_sklearn.load(path)
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", StrOptions({"auto"})],
        "generator_layer_sizes": ["array-like", StrOptions({"auto"})],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "input_noise": [Interval(Real, 0, None, closed="left")],
        "hidden_noise": [Interval(Real, 0, None, closed="left")],
        "architecture": [StrOptions(set(_NETWORKS))],
        "image_shape": ["array-like", None],
        "generator_loss": [StrOptions({"feature_matching", "non_saturating"})],
        "objective": [StrOptions({"improved_gan", "sgan_original"})],
        "catch_up_steps": [Interval(Integral, 0, None, closed="left")],
        "catch_up_threshold": [Interval(Real, 0, None, closed="left")],
        "unsupervised_weight": [Interval(Real, 0, None, closed="left")],
        "label_smoothing": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
        "temperature": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "labeled_batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "min_steps_per_epoch": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "max_passes_per_epoch": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "generator_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"constant", "linear_decay"})],
        "schedule_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "decay_start": [Interval(Real, 0, 1, closed="left")],
        "generator_start": [StrOptions({"middle", "data_mean"})],
        "initialize_with_noise": ["boolean"],
        "adam_beta1": [Interval(Real, 0, 1, closed="left")],
        "adam_beta2": [Interval(Real, 0, 1, closed="left")],
        "generator_adam_beta1": [Interval(Real, 0, 1, closed="left"), None],
        "adam_epsilon": [Interval(Real, 0, None, closed="neither")],
        "averaging_decay": [Interval(Real, 0, 1, closed="left")],
        "input_scaling": [StrOptions(set(_SCALINGS)), None],
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

    def __init__(
        self,
        hidden_layer_sizes="auto",
        *,
        architecture="mlp",
        image_shape=None,
        generator_layer_sizes="auto",
        latent_dim=100,
        input_noise=0.3,
        hidden_noise=0.5,
        generator_loss="feature_matching",
        objective="improved_gan",
        generator_start="middle",
        initialize_with_noise=False,
        catch_up_steps=2,
        catch_up_threshold=0.05,
        unsupervised_weight=1.0,
        label_smoothing="auto",
        temperature="auto",
        max_epochs=30,
        batch_size="auto",
        labeled_batch_size=None,
        min_steps_per_epoch="auto",
        max_passes_per_epoch=20,
        learning_rate=0.003,
        generator_learning_rate=0.003,
        learning_rate_schedule="constant",
        schedule_epochs=None,
        decay_start=0.5,
        adam_beta1=0.5,
        adam_beta2=0.999,
        generator_adam_beta1=None,
        adam_epsilon=1e-4,
        averaging_decay=0.999,
        input_scaling="standard",
        callbacks=None,
        warm_start=False,
        verbose=0,
        device="cpu",
        n_threads=None,
        precision="auto",
        discriminator=None,
        generator=None,
        random_state=None,
        **network_params,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.architecture = architecture
        self.image_shape = image_shape
        self.generator_layer_sizes = generator_layer_sizes
        self.latent_dim = latent_dim
        self.input_noise = input_noise
        self.hidden_noise = hidden_noise
        self.generator_loss = generator_loss
        self.objective = objective
        self.generator_start = generator_start
        self.initialize_with_noise = initialize_with_noise
        self.catch_up_steps = catch_up_steps
        self.catch_up_threshold = catch_up_threshold
        self.unsupervised_weight = unsupervised_weight
        self.label_smoothing = label_smoothing
        self.temperature = temperature
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.labeled_batch_size = labeled_batch_size
        self.min_steps_per_epoch = min_steps_per_epoch
        self.max_passes_per_epoch = max_passes_per_epoch
        self.learning_rate = learning_rate
        self.generator_learning_rate = generator_learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.schedule_epochs = schedule_epochs
        self.decay_start = decay_start
        self.adam_beta1 = adam_beta1
        self.adam_beta2 = adam_beta2
        self.generator_adam_beta1 = generator_adam_beta1
        self.adam_epsilon = adam_epsilon
        self.averaging_decay = averaging_decay
        self.input_scaling = input_scaling
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.verbose = verbose
        self.device = device
        self.n_threads = n_threads
        self.precision = precision
        self.discriminator = discriminator
        self.generator = generator
        self.random_state = random_state
        # Stored as given and checked at fit, as scikit-learn wants of __init__.
        for name, value in network_params.items():
            setattr(self, name, value)

    # ----- parameters of the networks a user brings ----------------------
    def _network_params(self, prefix=None):
        """The ``discriminator__*`` / ``generator__*`` arguments, all or of one network."""
        prefixes = _NETWORK_PREFIXES if prefix is None else (prefix + "__",)
        return {k: v for k, v in vars(self).items() if k.startswith(prefixes)}

    def get_params(self, deep=True):
        """Get parameters for this estimator, ``discriminator__*`` and ``generator__*`` included.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of contained estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return {**super().get_params(deep=deep), **self._network_params()}

    def set_params(self, **params):
        """Set parameters, ``discriminator__*`` and ``generator__*`` included.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : object
            The estimator.
        """
        for name in [n for n in params if n.startswith(_NETWORK_PREFIXES)]:
            setattr(self, name, params.pop(name))
        if "network_params" in params:  # the ** name itself, as __init__ takes it
            self.network_params = params.pop("network_params")
        return super().set_params(**params)

    def _check_keyword_arguments(self):
        """Refuse keyword arguments that are neither parameters nor for your networks."""
        known = set(self._get_param_names())
        unknown = [
            name
            for name in vars(self)
            if not (name in known or name.startswith(("_", *_NETWORK_PREFIXES)))
            and not name.endswith("_")
        ]
        if unknown:
            raise ValueError(
                f"SGANClassifier got unexpected keyword arguments {sorted(unknown)}; arguments "
                "for your own networks start with 'discriminator__' or 'generator__'."
            )

    # ----- fitted components exposed by name -----------------------------
    @property
    def discriminator_(self):
        return self.net_.average_module_.module

    @property
    def generator_(self):
        return self.net_.generator_

    @property
    def history_(self):
        return self.net_.history_

    # ----- fit -----------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the generator and discriminator on partially labeled data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. Sparse input is scaled and batched without being
            densified as a whole.

        y : array-like of shape (n_samples,)
            Labels; -1 marks an unlabeled row. String labels go in an object
            array with the integer -1 for unlabeled rows.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        self._check_keyword_arguments()
        device = self._check_device()
        self._check_network_params()
        # Checked before any data work, resolved once the data's shape is known.
        hidden_sizes = _check_layer_sizes("hidden_layer_sizes", self.hidden_layer_sizes)
        generator_sizes = _check_layer_sizes("generator_layer_sizes", self.generator_layer_sizes)
        continuing = self.warm_start and hasattr(self, "net_")
        if continuing:
            self._check_warm_start_can_continue(device)
        self._check_learning_rate_schedule(continuing)
        _check_rows(X)
        X, y = validate_data(
            self,
            X,
            y,
            reset=not continuing,
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
        )
        classes, labeled_rows, codes = encode_labels(y)
        if continuing and not np.array_equal(classes, self.classes_):
            raise ValueError(
                f"warm_start=True continues a model fitted on classes {self.classes_.tolist()}, "
                f"but y has labeled classes {classes.tolist()}. Fit with warm_start=False "
                "to start afresh."
            )
        fewest_labels = np.bincount(codes).min()
        if not continuing or self.batch_size != "auto":
            # A continued fit keeps the batch "auto" chose on the first data.
            self.batch_size_ = _resolve_batch_size(
                self.batch_size, *X.shape, self.architecture, fewest_labels
            )
        # Resolved on every fit: it only changes the loss, so a continued fit whose
        # labels reached the threshold trains without smoothing from then on.
        self.label_smoothing_ = _resolve_label_smoothing(self.label_smoothing, fewest_labels)
        if not continuing:
            self.hidden_layer_sizes_ = _resolve_layer_sizes(
                "hidden_layer_sizes", hidden_sizes, *X.shape, self.architecture
            )
            self.generator_layer_sizes_ = _resolve_layer_sizes(
                "generator_layer_sizes", generator_sizes, *X.shape, self.architecture
            )
            self._check_conv_layer_sizes()
            self.image_shape_ = _check_image_shape(
                self.architecture,
                self.image_shape,
                X.shape[1],
                sparse.issparse(X),
                self.hidden_layer_sizes_,
            )
            self.classes_ = classes
            self.scaler_ = self._make_scaler(sparse.issparse(X))
            if self.scaler_ is not None and self.architecture != "mlp":
                _fit_per_channel(self.scaler_, X, self.image_shape_)
            elif self.scaler_ is not None:
                self.scaler_.fit(X)
                if self.input_scaling == "standard":
                    _floor_scale(self.scaler_, X)
        data = SemiSupervisedData(self._scale(X), labeled_rows, codes)

        # A continued fit draws new noise: the same seed again would replay the
        # first epochs' noise.
        seed = _torch_seed(self.random_state) + (self.n_iter_ if continuing else 0)
        fork_devices = [] if device.type == "cpu" else None
        # torch's RNG and thread count are process-wide: fits in threads of one
        # process take turns here, so each stays reproducible.
        with (
            _PROCESS_WIDE_TORCH_STATE,
            torch.random.fork_rng(devices=fork_devices),
            _torch_threads(self.n_threads),
        ):
            torch.manual_seed(seed)
            if continuing:
                self._apply_params_to_net(data.X.shape[0])
            else:
                self.net_ = self._make_net(data.X, seed, device)
                self.net_.initialize()
                if self._brings_networks():
                    self._check_network_contract(data.X)
            self.net_.partial_fit(data)

        self.termination_condition_ = self.net_.termination_condition_
        self.n_iter_ = len(self.net_.history_)
        self._warn_about_termination()
        self.label_distributions_ = self._proba_of_scaled(data.X)
        self.transduction_ = self.classes_[self.label_distributions_.argmax(axis=1)]
        return self

    def _check_network_contract(self, X):
        """Run a user's networks on two rows; refuse outputs the training cannot use."""
        from ._net import rows_to_tensor

        net = self.net_
        x = rows_to_tensor(X, np.arange(min(2, X.shape[0])), net.device)
        n, n_classes, n_features = len(x), len(self.classes_), X.shape[1]
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

    def _check_conv_layer_sizes(self):
        """The original networks have the Keras script's number of layers."""
        if self.architecture != "sgan_original":
            return
        for name, count in (("hidden_layer_sizes", 4), ("generator_layer_sizes", 2)):
            sizes = getattr(self, name + "_")
            if len(sizes) != count:
                raise ValueError(
                    f"architecture='sgan_original' has the Keras SGAN script's layers: "
                    f"{name} must hold {count} channel counts, got {sizes}; e.g. "
                    f"{name}={_CONV_LAYER_SIZES['sgan_original'][name]} or 'auto'."
                )

    def _check_device(self):
        try:
            device = torch.device(self.device)
        except RuntimeError as exc:
            raise ValueError(
                f"device={self.device!r} is not a torch device; use e.g. 'cpu' or 'cuda'."
            ) from exc
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"device={self.device!r} was requested but CUDA is not available on this "
                "machine; use device='cpu'."
            )
        return device

    def _make_scaler(self, is_sparse):
        if self.input_scaling is None:
            return None
        dense_scaler, sparse_scaler = _SCALINGS[self.input_scaling]
        return sparse_scaler() if is_sparse else dense_scaler()

    def _scale(self, X):
        """Float32 scaled rows (CSR stays CSR); never modified downstream."""
        if self.scaler_ is not None:
            X = self.scaler_.transform(X)
        # The scaler already returns a fresh array: converting it without a
        # copy keeps fit's peak memory at one scaled copy of float32 input.
        return X.astype(np.float32, copy=False)

    def _make_net(self, X, seed, device):
        """The skorch net for the scaled training rows ``X``."""
        n_rows, n_features = X.shape
        low, high = _feature_bounds(X)
        steps_per_epoch = self._steps_per_epoch(n_rows)
        dtype = training_dtype(self.precision, device, n_features)
        if self._brings_networks():
            # Built-in parts next to a user's network train in float32 (checked at fit).
            dtype = torch.float32
        discriminator, discriminator_args = self._network("discriminator", n_features, dtype)
        generator, generator_args = self._network("generator", n_features, dtype, low, high)
        return SGANNet(
            discriminator,
            generator=generator,
            **discriminator_args,
            **generator_args,
            criterion=torch.nn.CrossEntropyLoss,
            criterion__label_smoothing=self.label_smoothing_,
            optimizer=torch.optim.Adam,
            optimizer__betas=(self.adam_beta1, self.adam_beta2),
            optimizer__eps=self.adam_epsilon,
            # The fused CPU/CUDA kernel does one pass over the weights per step.
            optimizer__fused=True,
            lr=self.learning_rate,
            generator_lr=self.generator_learning_rate,
            generator_betas=self._generator_betas(),
            lr_schedule=self.learning_rate_schedule,
            schedule_epochs=self.schedule_epochs,
            decay_start=self.decay_start,
            generator_start=self.generator_start,
            initialize_with_noise=self.initialize_with_noise,
            catch_up_threshold=self.catch_up_threshold,
            catch_up_steps=self.catch_up_steps,
            unsupervised_weight=self.unsupervised_weight,
            generator_loss=self.generator_loss,
            objective=self.objective,
            averaging_decay=self.averaging_decay,
            steps_per_epoch=steps_per_epoch,
            seed=seed,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size_,
            labeled_batch_size=self.labeled_batch_size or self.batch_size_,
            train_split=None,
            callbacks=self._cloned_callbacks(steps_per_epoch),
            verbose=self.verbose,
            device=str(device),
        )

    def _brings_networks(self):
        return self.discriminator is not None or self.generator is not None

    def _network(self, name, n_features, dtype, low=None, high=None):
        """``(module, prefixed keyword arguments)`` of network ``name`` for the skorch net.

        A user's class gets its ``name__*`` arguments; a user's instance is
        copied, so the object passed is never trained; otherwise the built-in
        network of ``architecture``.
        """
        prefix = "module" if name == "discriminator" else "generator"
        given = getattr(self, name)
        if isinstance(given, torch.nn.Module):
            return copy.deepcopy(given), {}
        if given is not None:
            args = {k.split("__", 1)[1]: v for k, v in self._network_params(name).items()}
            return given, {f"{prefix}__{k}": v for k, v in args.items()}
        if self.architecture == "mlp":
            args = dict(n_features=n_features)
        else:
            args = dict(image_shape=self.image_shape_)
        if name == "discriminator":
            args.update(
                n_classes=len(self.classes_),
                hidden_layer_sizes=self.hidden_layer_sizes_,
                input_noise=self.input_noise,
                hidden_noise=self.hidden_noise,
                compute_dtype=dtype,
            )
        else:
            # Generated rows stay in the box of the scaled training rows.
            args.update(
                latent_dim=self.latent_dim,
                hidden_layer_sizes=self.generator_layer_sizes_,
                low=low,
                high=high,
                compute_dtype=dtype,
            )
        built_in = _NETWORKS[self.architecture][0 if name == "discriminator" else 1]
        return built_in, {f"{prefix}__{k}": v for k, v in args.items()}

    def _check_network_params(self):
        """Refuse arguments for networks a user brings that cannot take effect."""
        for name in ("discriminator", "generator"):
            given, args = getattr(self, name), self._network_params(name)
            if args and not isinstance(given, type):
                what = "an instance" if given is not None else "None (the built-in network)"
                raise ValueError(
                    f"{', '.join(sorted(args))} are arguments for a {name} class, but "
                    f"{name} is {what}. Pass {name}=YourModule (the class) with them, or "
                    "drop them."
                )
            if isinstance(given, type) and not issubclass(given, torch.nn.Module):
                raise ValueError(
                    f"{name} must be a torch.nn.Module subclass or instance, got {given!r}."
                )
        built_in = _NETWORKS[self.architecture][0]
        if self.initialize_with_noise and (
            self.discriminator is not None or not hasattr(built_in, "initialize_from")
        ):
            which = (
                "your discriminator"
                if self.discriminator is not None
                else (f"architecture={self.architecture!r}")
            )
            raise ValueError(
                f"initialize_with_noise=True shapes the data-dependent initialisation of "
                f"the built-in 'mlp' and 'conv' discriminators; {which} has none. Use "
                "architecture='mlp' or 'conv', or initialize_with_noise=False."
            )
        if self._brings_networks() and self.precision == "bfloat16":
            raise ValueError(
                "precision='bfloat16' applies to the built-in networks only; with your own "
                "discriminator or generator use precision='auto' or 'float32' (your modules "
                "can cast inside their forward)."
            )

    def _steps_per_epoch(self, n_rows):
        batch = min(self.batch_size_, n_rows)
        one_pass = math.ceil(n_rows / batch)
        most = math.ceil(self.max_passes_per_epoch * n_rows / batch)
        least = self.min_steps_per_epoch
        if least == "auto":
            least = math.ceil(ROWS_PER_EPOCH / self.batch_size_)
        return max(one_pass, min(least, most))

    def _check_warm_start_can_continue(self, device):
        """Refuse a continued fit whose changed parameters need new networks."""
        net = self.net_
        built_classes = (type(net.module_), type(net.generator_))
        built_with = {
            "architecture": next(
                (a for a, classes in _NETWORKS.items() if classes == built_classes), "custom"
            ),
            "discriminator": built_classes[0].__name__,
            "generator": built_classes[1].__name__,
            "image_shape": self.image_shape_,
            "hidden_layer_sizes": getattr(net, "module__hidden_layer_sizes", None),
            "generator_layer_sizes": getattr(net, "generator__hidden_layer_sizes", None),
            "latent_dim": getattr(net, "generator__latent_dim", None),
            "input_scaling": _scaling_of(self.scaler_),
            "generator_start": net.generator_start,
            "initialize_with_noise": net.initialize_with_noise,
            "device": torch.device(net.device),
        }
        classes = [
            getattr(self, name)
            if isinstance(getattr(self, name), type)
            else type(getattr(self, name))
            for name in ("discriminator", "generator")
        ]
        for index, name in enumerate(("discriminator", "generator")):
            if getattr(self, name) is None:
                classes[index] = _NETWORKS[self.architecture][index]
        now = {
            "architecture": self.architecture if not self._brings_networks() else "custom",
            "discriminator": classes[0].__name__,
            "generator": classes[1].__name__,
            "image_shape": None if self.image_shape is None else tuple(self.image_shape),
            # "auto" keeps the widths it resolved to when the networks were built.
            "hidden_layer_sizes": None
            if self.discriminator is not None
            else _built_or_given(self.hidden_layer_sizes, self.hidden_layer_sizes_),
            "generator_layer_sizes": None
            if self.generator is not None
            else _built_or_given(self.generator_layer_sizes, self.generator_layer_sizes_),
            "latent_dim": None if self.generator is not None else self.latent_dim,
            "input_scaling": self.input_scaling,
            "generator_start": self.generator_start,
            "initialize_with_noise": self.initialize_with_noise,
            "device": device,
        }
        changed = [name for name in built_with if built_with[name] != now[name]]
        if changed:
            details = ", ".join(f"{n} from {built_with[n]!r} to {now[n]!r}" for n in changed)
            raise ValueError(
                f"warm_start=True continues the fitted networks, but these parameters "
                f"changed since they were built: {details}. A change to them needs new "
                "networks (generator_start, initialize_with_noise: a new "
                "initialisation). Set warm_start=False to fit afresh, or set the "
                "parameters back."
            )

    def _apply_params_to_net(self, n_rows):
        """Hand the parameters that may change between warm-started fits to the net."""
        net = self.net_
        steps_per_epoch = self._steps_per_epoch(n_rows)
        # Callbacks start afresh with every fit, as on the first one; cloned
        # first, so that a refused callback leaves the net as it was.
        callbacks = self._cloned_callbacks(steps_per_epoch)
        for optimizer, name, value in (
            (net.optimizer_, "lr", self.learning_rate),
            (net.optimizer_generator_, "generator_lr", self.generator_learning_rate),
        ):
            # Only a changed rate is written, so that a rate an LRScheduler has
            # lowered carries on where it was.
            if getattr(net, name) != value:
                setattr(net, name, value)
                for group in optimizer.param_groups:
                    group["lr"] = value
        for optimizer, betas in (
            (net.optimizer_, (self.adam_beta1, self.adam_beta2)),
            (net.optimizer_generator_, self._generator_betas()),
        ):
            for group in optimizer.param_groups:
                group["betas"] = betas
                group["eps"] = self.adam_epsilon
        net.generator_betas = self._generator_betas()
        built_in = isinstance(net.module_, tuple(d for d, _ in _NETWORKS.values()))
        for discriminator in (net.module_, net.average_module_.module) if built_in else ():
            discriminator.input_noise.std = self.input_noise
            for layer in discriminator.hidden_noise:
                layer.std = self.hidden_noise
        net.average_module_.decay = self.averaging_decay
        dtype = training_dtype(self.precision, net.device, self.n_features_in_)
        if self._brings_networks():
            dtype = torch.float32
        for module in (net.module_, net.generator_):
            if isinstance(module, tuple(c for pair in _NETWORKS.values() for c in pair)):
                module.compute_dtype = dtype
        if built_in:
            vars(net).update(
                module__compute_dtype=dtype,
                module__input_noise=self.input_noise,
                module__hidden_noise=self.hidden_noise,
            )
        if self.generator is None:
            net.generator__compute_dtype = dtype
        net.criterion_.label_smoothing = net.criterion__label_smoothing = self.label_smoothing_
        vars(net).update(
            generator_loss=self.generator_loss,
            objective=self.objective,
            catch_up_steps=self.catch_up_steps,
            catch_up_threshold=self.catch_up_threshold,
            unsupervised_weight=self.unsupervised_weight,
            lr_schedule=self.learning_rate_schedule,
            schedule_epochs=self.schedule_epochs,
            decay_start=self.decay_start,
            averaging_decay=self.averaging_decay,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size_,
            labeled_batch_size=self.labeled_batch_size or self.batch_size_,
            steps_per_epoch=steps_per_epoch,
            verbose=self.verbose,
            callbacks=callbacks,
        )
        net.initialize_callbacks()

    def _cloned_callbacks(self, steps_per_epoch):
        cloned = []
        for item in self.callbacks or []:
            name, callback = item if isinstance(item, tuple) else (None, item)
            self._check_callback(callback)
            callback = _adapted_to_the_gan(clone(callback), steps_per_epoch, self)
            cloned.append(callback if name is None else (name, callback))
        return cloned

    def _generator_betas(self):
        beta1 = self.adam_beta1 if self.generator_adam_beta1 is None else self.generator_adam_beta1
        return (beta1, self.adam_beta2)

    def _check_learning_rate_schedule(self, continuing):
        if self.decay_start != 0.5 and self.learning_rate_schedule != "linear_decay":
            raise ValueError(
                f"decay_start={self.decay_start} sets where the 'linear_decay' schedule "
                "starts lowering the learning rates, but learning_rate_schedule="
                f"{self.learning_rate_schedule!r}. Set learning_rate_schedule='linear_decay', "
                "or leave decay_start at 0.5."
            )
        if self.schedule_epochs is None:
            return
        if self.learning_rate_schedule != "linear_decay":
            raise ValueError(
                f"schedule_epochs={self.schedule_epochs} sets the length of the "
                "'linear_decay' schedule, but learning_rate_schedule="
                f"{self.learning_rate_schedule!r}. Set learning_rate_schedule='linear_decay', "
                "or schedule_epochs=None."
            )
        done = self.n_iter_ if continuing else 0
        if done + self.max_epochs > self.schedule_epochs:
            raise ValueError(
                f"This fit would train epochs {done + 1}-{done + self.max_epochs}, past "
                f"schedule_epochs={self.schedule_epochs}, where the 'linear_decay' learning "
                f"rate is 0. Lower max_epochs to at most {self.schedule_epochs - done}, or "
                "raise schedule_epochs."
            )

    def _check_callback(self, callback):
        """Refuse the skorch callbacks that would do nothing or the wrong thing here."""
        if not isinstance(callback, Callback):
            raise ValueError(
                f"callbacks must hold skorch callbacks (skorch.callbacks.Callback), "
                f"got {callback!r}."
            )
        kind = type(callback).__name__
        if isinstance(callback, ScoringBase):
            raise ValueError(
                f"callbacks holds a {kind}, which SGANClassifier cannot run: training has no "
                "validation split, and a scorer on the training rows would score the "
                "unlabeled ones. Score a held-out labeled set between fits instead "
                "(warm_start=True with max_epochs=1 in a loop), or use cross_val_score "
                "with sgan_sklearn.model_selection.labeled_scorer."
            )
        if isinstance(callback, EarlyStopping) and callback.load_best:
            raise ValueError(
                "callbacks holds an EarlyStopping with load_best=True, which would restore "
                "only the training discriminator, not the averaged weights that predict "
                "(discriminator_) nor the generator. Use load_best=False, or a "
                "Checkpoint(load_best=True), which restores all of them."
            )
        if isinstance(callback, LRScheduler) and self.learning_rate_schedule != "constant":
            raise ValueError(
                f"callbacks holds an LRScheduler, but learning_rate_schedule="
                f"{self.learning_rate_schedule!r} also sets the learning rates at every step "
                "and would override it. Use learning_rate_schedule='constant' with an "
                "LRScheduler, or remove the LRScheduler."
            )

    def _warn_about_termination(self):
        if self.termination_condition_ == "diverged":
            warnings.warn(
                f"Training diverged in epoch {self.n_iter_ + 1}: {self.net_.diverged_message_}. "
                f"The weights of the last completed epoch ({self.n_iter_}) were restored. "
                "Lower learning_rate / generator_learning_rate or raise adam_epsilon.",
                ConvergenceWarning,
                stacklevel=_user_stacklevel(),
            )
        elif self.termination_condition_ == "interrupted":
            warnings.warn(
                f"Training was interrupted in epoch {self.n_iter_ + 1}; the estimator keeps "
                f"the weights of the last completed epoch ({self.n_iter_}). Call fit with "
                "warm_start=True to continue.",
                UserWarning,
                stacklevel=_user_stacklevel(),
            )

    # ----- predict -------------------------------------------------------
    def _proba_of_scaled(self, X_scaled):
        temperature = self.temperature_

        def softmax(logits):
            return torch.softmax(logits / temperature, dim=1)

        return self._from_logits(X_scaled, softmax, (len(self.classes_),))

    def _from_logits(self, X_scaled, transform, row_shape):
        """``transform`` of the discriminator's logits, of shape ``row_shape`` per row.

        ``transform`` maps a float64 batch of logits to one array per row.
        """
        # Inference runs in float64 on a copy of the averaged weights: in float32,
        # which rows share a batch changes the matmul's summation order and the
        # probabilities by ~1e-8, so that a row's prediction depended on its
        # neighbours (scikit-learn's check_methods_sample_order_invariance failed).
        # float64 brings that down to ~1e-16; the copy costs a few MB at most.
        discriminator = copy.deepcopy(self.discriminator_).double().eval()
        batches = self.net_.get_iterator(X_scaled, training=False)
        # Filled batch by batch: collecting per-batch arrays and concatenating them
        # doubled the output and fragmented the heap, so that fit's resident
        # memory grew to ~5x the input on glibc.
        out = np.empty((X_scaled.shape[0], *row_shape))
        start = 0
        with torch.inference_mode(), _torch_threads(self.n_threads):
            for x in batches:
                logits = discriminator(x.double())
                out[start : start + len(logits)] = transform(logits).cpu()
                start += len(logits)
        return out

    @property
    def temperature_(self):
        """The temperature ``predict_proba`` divides the class logits by.

        ``temperature``, or for ``"auto"`` 2 after a fit without label smoothing
        (``label_smoothing_`` of 0) and 1 after a fit with it. Read when
        ``predict_proba`` is called, so that ``set_params(temperature=...)`` takes
        effect without refitting (``label_distributions_`` keeps the temperature
        of the fit).
        """
        check_is_fitted(self)
        # set_params skips fit's validation, so the value is checked here.
        validate_parameter_constraints(
            {"temperature": self._parameter_constraints["temperature"]},
            {"temperature": self.temperature},
            caller_name=type(self).__name__,
        )
        if self.temperature != "auto":
            return float(self.temperature)
        return SMOOTHING_FREE_TEMPERATURE if self.label_smoothing_ == 0 else 1.0

    def _validated_scaled(self, X):
        """The scaled rows of ``X``, checked as every prediction method checks them."""
        check_is_fitted(self)
        _check_rows(X)
        X = validate_data(
            self, X, reset=False, accept_sparse="csr", dtype=[np.float64, np.float32]
        )
        return self._scale(X)

    def predict_proba(self, X):
        """Class probabilities given that the row is real.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input rows. Processed in batches, so memory stays bounded.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            ``softmax`` of the discriminator's class logits; columns follow
            ``classes_``.
        """
        return self._proba_of_scaled(self._validated_scaled(X))

    def predict(self, X):
        """Predict the class of each row.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy on the rows whose label is not -1.

        Rows labeled -1 are left out, so that ``cross_val_score`` and
        ``GridSearchCV`` give meaningful numbers on folds holding unlabeled rows.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test rows.
        y : array-like of shape (n_samples,)
            True labels, -1 for unlabeled rows.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy of ``predict(X)`` on the labeled rows.
        """
        y = column_or_1d(y, warn=True)
        mask = labeled_mask(y)
        if not mask.any():
            raise ValueError("score needs at least one labeled row; every label in y is -1.")
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[mask]
        y_pred = self.predict(_safe_indexing(X, mask))
        return accuracy_score(y[mask], y_pred, sample_weight=sample_weight)

    # ----- novelty and generation ----------------------------------------
    def score_samples(self, X):
        """Log-probability that each row is real, by the discriminator.

        A novelty score: higher means more like the training rows. It is
        ``log P(real | x) = lse(l) - softplus(lse(l))`` for the class logits
        ``l`` (the fake logit is fixed at 0), where ``lse`` is log-sum-exp;
        computed as ``predict_proba`` is, in batches, in float64, with the
        averaged weights.

        It is a weak novelty score: the discriminator learns to tell the
        training rows from the generator's rows, not from other data, and rows
        unlike both can score highest. On MNIST, inverted digits and noise
        images score higher than test digits (:ref:`novelty-results`). For
        outlier detection use a dedicated detector such as
        :class:`sklearn.ensemble.IsolationForest`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``log P(real | x)``, at most 0.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sgan_sklearn import SGANClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> y = np.where(np.arange(len(y)) % 5 == 0, y, -1)
        >>> clf = SGANClassifier(max_epochs=1, min_steps_per_epoch=5, random_state=0).fit(X, y)
        >>> clf.score_samples(X[:3]).shape
        (3,)
        """
        return self._from_logits(self._validated_scaled(X), _log_real_probability, ())

    def sample(self, n_samples=1, random_state=None):
        """Generate rows with the fitted generator, in the input space of ``X``.

        The generator's output for uniform noise, mapped back through the
        input scaling (``scaler_``), so the rows are comparable to the training
        rows: every feature lies within its range in the training data. Neither
        the estimator nor the global random state changes.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to generate.

        random_state : int, RandomState instance or None, default=None
            Seeds the noise: the same int gives the same rows. None draws fresh
            noise on every call.

        Returns
        -------
        X : ndarray of shape (n_samples, `n_features_in_`), dtype float64
            Generated rows (dense, also for a model fitted on sparse input).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sgan_sklearn import SGANClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> y = np.where(np.arange(len(y)) % 5 == 0, y, -1)
        >>> clf = SGANClassifier(max_epochs=1, min_steps_per_epoch=5, random_state=0).fit(X, y)
        >>> clf.sample(4, random_state=0).shape
        (4, 4)
        >>> bool((clf.sample(4, random_state=0) == clf.sample(4, random_state=0)).all())
        True
        """
        check_is_fitted(self)
        validate_parameter_constraints(
            {
                "n_samples": [Interval(Integral, 1, None, closed="left")],
                "random_state": ["random_state"],
            },
            {"n_samples": n_samples, "random_state": random_state},
            caller_name="sample",
        )
        noise_source = torch.Generator().manual_seed(_torch_seed(random_state))
        # A float64 copy on the CPU: the fitted generator is left as it is (also
        # in the middle of a fit, for SampleGrid), and a seed gives the same rows
        # whichever device trained the model.
        generator_copy = copy.deepcopy(self.generator_).to("cpu", torch.float64).eval()
        with torch.inference_mode(), _torch_threads(self.n_threads):
            sample_noise = getattr(generator_copy, "sample_noise", None)
            if sample_noise is None:  # a user's generator with a latent_dim only
                shape = (n_samples, generator_copy.latent_dim)
                noise = torch.rand(shape, generator=noise_source, dtype=torch.float64)
            else:
                noise = sample_noise(n_samples, "cpu", generator=noise_source)
            rows = generator_copy(noise.double()).numpy()
        if self.scaler_ is not None:
            rows = self.scaler_.inverse_transform(rows)
        return rows

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ----- persistence ---------------------------------------------------
    def save(self, path):
        """Write the fitted estimator to a model file that cannot run code on load.

        The file (a zip archive of ``metadata.json`` and ``weights.pt``) holds
        the constructor parameters, the fitted attributes, the scaler's
        statistics, the network and optimizer weights and the training history,
        as JSON and tensors only; :func:`sgan_sklearn.load` reads it with
        ``torch.load(weights_only=True)``. Use it to share models: unlike pickle
        or joblib files, which can run any code when loaded and are for trusted
        files only, a model file from anyone is safe to load.

        The loaded estimator gives bitwise the same ``predict_proba`` and can
        continue training with ``warm_start=True``. ``callbacks`` are not stored
        (they may hold any Python object): the loaded estimator has
        ``callbacks=None``, and a ``RandomState`` instance as ``random_state`` is
        stored as None.

        Parameters
        ----------
        path : str or path-like
            Where to write the file (overwritten if it exists).

        Returns
        -------
        self : object
            The estimator, unchanged.
        """
        from ._persistence import save

        check_is_fitted(self)
        save(self, path)
        return self

    def __getstate__(self):
        # BaseEstimator may return the live __dict__: stamp a copy.
        return dict(super().__getstate__(), _sgan_sklearn_version=_package_version())

    def __setstate__(self, state):
        state = dict(state)
        pickled_version = state.pop("_sgan_sklearn_version", "unknown")
        if pickled_version != _package_version():
            warnings.warn(
                f"This {type(self).__name__} was pickled with sgan_sklearn {pickled_version} "
                f"and is loaded with sgan_sklearn {_package_version()}; it may not work or "
                "may predict differently. Refit it with this version, or pin "
                f"sgan_sklearn=={pickled_version} to load it.",
                UserWarning,
                stacklevel=2,
            )
        super().__setstate__(state)
