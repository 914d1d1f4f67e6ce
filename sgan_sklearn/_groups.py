"""Labels carried through groups of rows that lie apart from the rest.

Where the rows fall apart into groups and each group's labels all name one
class, every row of the group takes that class before training, and rows left
outside the groups take the class of the group nearest them. Two rings, two
half-moons or well separated clusters with a label or two each are then labeled
as a person would label them, which the network alone, pulled towards a smooth
boundary, does not do.
"""

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra

from ._auto import NEIGHBOR_SEARCH_ROWS, WIDE_INPUT, nearest_rows

# Groups are the connected components of the k-nearest-neighbour graph, k the
# smallest from MIN_NEIGHBORS up to MAX_NEIGHBORS at which every group holds a
# label. They are looked for among all rows, then among the densest nine rows in
# ten (those nearest their k-th neighbour), whose groups count only if they hold
# MIN_GROUP_SHARE of the rows: noisy rows bridge the gap between two half-moons,
# and without them the gap shows. Every class must have a label in some group,
# each group's labels must name one class, and with STABLE_FACTOR times as many
# neighbours no group may join labels of two classes: a gap, not a thin spot that
# a few more neighbours bridge. The rows left outside the groups (the sparse tenth)
# then take the class of the nearest grouped or labeled row along the graph of
# STABLE_FACTOR * k neighbours, at least MAX_NEIGHBORS (shortest paths, not
# straight lines: the class of the moon they hang from, not of the one across the
# gap); labeled rows outside keep their labels. Measured on the validation suite
# (benchmarks/suite.py): the rule labels rows on the two circles and the two
# moons only.
MIN_NEIGHBORS = 2
MAX_NEIGHBORS = 10
STABLE_FACTOR = 2
DENSEST_SHARES = (1.0, 0.9)
MIN_GROUP_SHARE = 0.05
# A group that holds no label, UNLABELED_GROUP_SHARE of the rows or more, and is
# the same rows (PERSISTENT_OVERLAP of their union) at PERSISTENT_STEPS values of k
# in a row stands apart as much as the labeled ones: which class it is, no label
# says, and the rule looks no further (a class of two clusters with one labeled,
# say). Pieces of one half-moon or one blob, joined a step or two later, do not
# stay the same that long (checked with benchmarks/group_labels.py).
UNLABELED_GROUP_SHARE = 0.1
PERSISTENT_OVERLAP = 0.9
PERSISTENT_STEPS = 4


def applies(X, labeled_rows, architecture):
    """Whether the rule is looked for: unlabeled rows, a dense narrow table, not too many rows."""
    n_rows, n_features = X.shape
    return (
        architecture == "mlp"
        and not sparse.issparse(X)
        and n_features < WIDE_INPUT
        and len(labeled_rows) < n_rows <= NEIGHBOR_SEARCH_ROWS
    )


def _groups(X, neighbors, k, densest):
    """Group of each row among the ``densest`` share of rows (-1: in none), and their count."""
    n_rows = X.shape[0]
    kept = np.ones(n_rows, dtype=bool)
    if densest < 1:
        reach = np.linalg.norm(X - X[neighbors[:, k - 1]], axis=1)
        kept = reach <= np.quantile(reach, densest)
    rows = np.repeat(np.arange(n_rows), k)
    columns = neighbors[:, :k].ravel()
    edge = kept[rows] & kept[columns]
    edges = sparse.csr_matrix(
        (np.ones(edge.sum()), (rows[edge], columns[edge])), shape=(n_rows, n_rows)
    )
    _, component = connected_components(edges, directed=False)
    sizes = np.bincount(component[kept], minlength=n_rows)
    smallest = MIN_GROUP_SHARE * n_rows if densest < 1 else 1
    large = kept & (sizes[component] >= smallest)
    names, group = np.unique(component[large], return_inverse=True)
    of_row = np.full(n_rows, -1)
    of_row[large] = group
    return of_row, len(names)


def _class_of_groups(group, n_groups, labeled_rows, codes):
    """Class of each group from its labels; None where a class has no label in any group
    or a group's labels name two classes."""
    inside = group[labeled_rows] >= 0
    if np.unique(codes[inside]).size < np.unique(codes).size:
        return None
    pairs = np.unique(np.column_stack([group[labeled_rows[inside]], codes[inside]]), axis=0)
    if len(np.unique(pairs[:, 0])) < len(pairs):
        return None
    class_of_group = np.full(n_groups, -1, dtype=codes.dtype)
    class_of_group[pairs[:, 0]] = pairs[:, 1]
    return class_of_group


def _unlabeled_groups(group, n_groups, labeled_rows):
    """Row masks of the groups that hold no label and UNLABELED_GROUP_SHARE of the rows."""
    held = np.zeros(n_groups, dtype=bool)
    held[group[labeled_rows][group[labeled_rows] >= 0]] = True
    sizes = np.bincount(group[group >= 0], minlength=n_groups)
    large = ~held & (sizes >= UNLABELED_GROUP_SHARE * len(group))
    return [group == g for g in np.flatnonzero(large)]


def _persists(masks, before):
    """Whether a mask of ``masks`` is (almost) one of ``before``: a group that stays apart."""
    return any(
        (mask & old).sum() >= PERSISTENT_OVERLAP * (mask | old).sum()
        for mask in masks
        for old in before
    )


def _labels_among(X, neighbors, labeled_rows, codes, densest):
    """Every grouped row's class among the ``densest`` share of rows, -1 elsewhere; or None."""
    unlabeled_before = []
    for k in range(MIN_NEIGHBORS, neighbors.shape[1] // STABLE_FACTOR + 1):
        group, n_groups = _groups(X, neighbors, k, densest)
        unlabeled = _unlabeled_groups(group, n_groups, labeled_rows)
        # Groups without labels that were there at the last PERSISTENT_STEPS values of k.
        lasting = [m for m in unlabeled if all(_persists([m], b) for b in unlabeled_before)]
        unlabeled_before = (unlabeled_before + [unlabeled])[-(PERSISTENT_STEPS - 1) :]
        if len(unlabeled_before) == PERSISTENT_STEPS - 1 and lasting:
            return None  # a large group without labels: any class given to it is a guess
        if n_groups < 2:
            if densest == 1:
                return None  # one cloud: more neighbours cannot split it
            continue  # among the densest rows, few neighbours leave only small pieces
        held = group[labeled_rows]
        if np.unique(held[held >= 0]).size == n_groups:
            break
    else:
        return None
    class_of_group = _class_of_groups(group, n_groups, labeled_rows, codes)
    if class_of_group is None:
        return None
    wider, n_wider = _groups(X, neighbors, STABLE_FACTOR * k, densest)
    if _class_of_groups(wider, n_wider, labeled_rows, codes) is None:
        return None
    labels = np.where(group >= 0, class_of_group[group], -1)
    labels[labeled_rows] = codes
    return _labels_outside(X, neighbors[:, : max(STABLE_FACTOR * k, MAX_NEIGHBORS)], labels)


def _labels_outside(X, neighbors, labels):
    """``labels`` with each unlabeled row given the label of the nearest labeled row
    along the neighbour graph (path lengths in the input's distances)."""
    outside = labels < 0
    if not outside.any():
        return labels
    n_rows, k = neighbors.shape
    rows = np.repeat(np.arange(n_rows), k)
    columns = neighbors.ravel()
    lengths = np.linalg.norm(X[rows] - X[columns], axis=1)
    # A zero length (a duplicate row) would read as no edge in a sparse matrix.
    lengths = np.maximum(lengths, np.finfo(float).tiny)
    edges = sparse.csr_matrix((lengths, (rows, columns)), shape=(n_rows, n_rows))
    sources = np.flatnonzero(~outside)
    _, _, nearest = dijkstra(
        edges, directed=False, indices=sources, min_only=True, return_predecessors=True
    )
    reached = outside & (nearest >= 0)
    labels = labels.copy()
    labels[reached] = labels[nearest[reached]]
    return labels


def labels_from_groups(X, labeled_rows, codes):
    """``(labeled_rows, codes)`` with the rows of groups labeled with their labels' class,
    and the other rows with the class of the labeled row nearest them along the graph.

    ``labeled_rows`` and ``codes`` come back unchanged where the rows form fewer
    than two groups, where a class has no label in any group, where a group's
    labels name more than one class, or where more neighbours join labels of two
    classes.
    """
    neighbors = nearest_rows(X, STABLE_FACTOR * MAX_NEIGHBORS)
    for densest in DENSEST_SHARES:
        labels = _labels_among(X, neighbors, labeled_rows, codes, densest)
        if labels is not None:
            rows = np.flatnonzero(labels >= 0)
            return rows, labels[rows]
    return labeled_rows, codes
