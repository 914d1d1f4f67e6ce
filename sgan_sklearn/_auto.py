"""The "auto" rules: settings resolved from the shape of the data and its labels.

Every parameter that accepts ``"auto"`` is resolved here, once the data is known,
so that the rules and the measurements behind their constants sit side by side.
"""

import math

import numpy as np
from sklearn.neighbors import NearestNeighbors

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
# train__min_steps_per_epoch="auto" makes an epoch at least ROWS_PER_EPOCH rows
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
# calibration error on those three (log loss within 1% of the lowest, at 2.5). The
# neighbour term makes the class logits larger: after a fit with it, NEIGHBOR_TEMPERATURE
# had the lowest mean calibration error and log loss on digits and Letter (smoothed
# fits stay at 1, still the lowest).
# input_noise="auto": the Improved-GAN input noise, INPUT_NOISE on standardised
# inputs, where the scaled rows are as far apart as digits' or MNIST's (median
# distance to the nearest row, per feature, of REFERENCE_SPACING or more), and
# proportionally less where rows lie closer together (low-dimensional data, many
# rows of few features), so that the noise does not drown the structure the
# classes follow. Measured on the validation suite (benchmarks/suite.py), whose
# inputs are all narrower than WIDE_INPUT: images given as rows keep INPUT_NOISE,
# the value the MNIST results were measured with, whatever their scaling (pixels
# in [0, 1] lie about 0.2 apart per feature, which would give them 0.13, and the
# Improved-GAN game then tips to the discriminator).
INPUT_NOISE = 0.3
REFERENCE_SPACING = 0.45
SPACING_SAMPLE = 2_000
# train__neighbor_weight="auto": on inputs narrower than WIDE_INPUT features, the
# discriminator's class probabilities for an unlabeled row and for one of its
# N_NEIGHBORS nearest rows (in the scaled inputs) are pulled together, with this
# weight on their squared difference, so that labels spread along the rows'
# neighbourhoods as well as away from the generated rows. Measured on the
# validation suite (benchmarks/suite.py); off on pixels and on one's own networks.
NEIGHBOR_WEIGHT = 0.3
N_NEIGHBORS = 7
# Above this many rows the neighbours are searched within random blocks of about
# this many rows, so that the search grows linearly with the rows, not as their square.
NEIGHBOR_SEARCH_ROWS = 20_000
FEW_LABELS_SMOOTHING = 0.05
SMOOTHING_FREE_TEMPERATURE = 2.0
NEIGHBOR_TEMPERATURE = 2.5
_AUTO_LAYER_SIZES = {
    "hidden_layer_sizes": {"full": (500, 250, 250), "half": (250, 125, 125)},
    "generator_layer_sizes": {"full": (250, 250), "half": (125, 125)},
}
# Channels of the convolutional networks, coarsest generator map first. The
# original's are the Keras SGAN script's; "conv" is chosen in docs/benchmarks.md.
CONV_LAYER_SIZES = {
    "conv": {"hidden_layer_sizes": (32, 64, 128), "generator_layer_sizes": (64, 32)},
    "sgan_original": {
        "hidden_layer_sizes": (32, 64, 128, 256),
        "generator_layer_sizes": (128, 64),
    },
}


def _is_small_tabular(n_samples, n_features, architecture):
    return architecture == "mlp" and n_features < WIDE_INPUT and n_samples <= SMALL_DATA


def _resolve_layer_sizes(name, sizes, n_samples, n_features, architecture="mlp"):
    """Checked widths ``sizes`` of parameter ``name``, "auto" resolved for the data's shape."""
    if sizes != "auto":
        return sizes
    if architecture != "mlp":
        return CONV_LAYER_SIZES[architecture][name]
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


def row_spacing(X, seed):
    """Median distance from a row to its nearest other row, divided by sqrt(n_features).

    Measured on at most SPACING_SAMPLE rows drawn with ``seed``.
    """
    n_rows = X.shape[0]
    if n_rows < 2:
        return math.inf
    rows = np.random.default_rng(seed).choice(n_rows, min(n_rows, SPACING_SAMPLE), replace=False)
    sample = X[np.sort(rows)]
    distances, _ = NearestNeighbors(n_neighbors=2).fit(sample).kneighbors(sample)
    return float(np.median(distances[:, 1])) / math.sqrt(X.shape[1])


def _resolve_input_noise(input_noise, X_scaled, seed, architecture="mlp"):
    """``input_noise``, "auto" resolved for how far apart the scaled rows lie."""
    if input_noise != "auto":
        return float(input_noise)
    if architecture != "mlp" or X_scaled.shape[1] >= WIDE_INPUT:
        return INPUT_NOISE
    return INPUT_NOISE * min(1.0, row_spacing(X_scaled, seed) / REFERENCE_SPACING)


def _resolve_neighbor_weight(neighbor_weight, n_features, architecture):
    """``train__neighbor_weight``, "auto" resolved for the width of the input."""
    if neighbor_weight != "auto":
        return float(neighbor_weight)
    return NEIGHBOR_WEIGHT if architecture == "mlp" and n_features < WIDE_INPUT else 0.0


def _fades_with_distance(n_features, architecture):
    """Whether ``predict_proba`` lowers the confidence of rows far from the labeled
    rows (``_confidence``): on the inputs the neighbour term's rule covers."""
    return architecture == "mlp" and n_features < WIDE_INPUT


def nearest_rows(X, n_neighbors, seed=0, block_rows=NEIGHBOR_SEARCH_ROWS):
    """Indices of the ``n_neighbors`` nearest other rows of every row of ``X``.

    Fewer where ``X`` has fewer rows; an array of shape (n_rows, 0) for one row.
    With more than ``block_rows`` rows, each row's neighbours are its nearest
    within a random block of about ``block_rows`` rows (blocks drawn with ``seed``).
    """
    n_rows = X.shape[0]
    n_blocks = math.ceil(n_rows / block_rows)
    if n_blocks > 1:
        order = np.random.default_rng(seed).permutation(n_rows)
        blocks = np.array_split(order, n_blocks)
        found = [nearest_rows(X[block], n_neighbors, block_rows=block_rows) for block in blocks]
        width = min(f.shape[1] for f in found)
        neighbors = np.empty((n_rows, width), dtype=np.intp)
        for block, local in zip(blocks, found):
            neighbors[block] = block[local[:, :width]]
        return neighbors
    n_neighbors = min(n_neighbors, n_rows - 1)
    if n_neighbors < 1:
        return np.empty((n_rows, 0), dtype=np.intp)
    search = NearestNeighbors(n_neighbors=n_neighbors + 1).fit(X)
    indices = search.kneighbors(X, return_distance=False)
    # A row is its own nearest neighbour unless duplicates tie with it: drop it
    # where it appears, the farthest neighbour elsewhere.
    own = indices == np.arange(n_rows)[:, None]
    own[~own.any(axis=1), -1] = True
    return indices[~own].reshape(n_rows, n_neighbors)


def _resolve_temperature(temperature, label_smoothing, neighbor_weight, labeled_by_groups=0):
    """``temperature``, "auto" resolved for the label smoothing, the neighbour term and
    the group labels of the fit."""
    if temperature != "auto":
        return float(temperature)
    if label_smoothing or labeled_by_groups:
        # Group labels label the rows the network trains on: nothing to undo.
        return 1.0
    return NEIGHBOR_TEMPERATURE if neighbor_weight else SMOOTHING_FREE_TEMPERATURE


def _resolve_steps_per_epoch(n_rows, batch_size, min_steps, max_passes):
    """Steps of an epoch: one pass, or ``min_steps`` ("auto": ROWS_PER_EPOCH rows) if more.

    Never more than ``max_passes`` passes over the rows, so that tiny data sets
    are not repeated hundreds of times.
    """
    batch = min(batch_size, n_rows)
    one_pass = math.ceil(n_rows / batch)
    most = math.ceil(max_passes * n_rows / batch)
    if min_steps == "auto":
        min_steps = math.ceil(ROWS_PER_EPOCH / batch_size)
    return max(one_pass, min(min_steps, most))
