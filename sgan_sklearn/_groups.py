"""Labels carried through groups of rows that lie apart from the rest.

Where the rows fall into separate groups and each group's labels all name one
class, every row of the group takes that class before training. Two rings, two
spirals or well separated clusters with a label or two each are then labeled as
a person would label them, which the network alone, pulled towards a smooth
boundary, does not do.
"""

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ._auto import NEIGHBOR_SEARCH_ROWS, WIDE_INPUT, nearest_rows

# Groups are the connected components of the k-nearest-neighbour graph, k the
# smallest from 2 up to MAX_NEIGHBORS at which every component holds a label.
# They count only if the same components remain with STABLE_FACTOR times as many
# neighbours: a gap between the groups, not a thin spot that a few more
# neighbours bridge. Measured on the validation suite (benchmarks/suite.py): the
# two circles fall into two groups at k = 2; no other data set there forms groups
# whose labels name one class each.
MIN_NEIGHBORS = 2
MAX_NEIGHBORS = 10
STABLE_FACTOR = 2


def applies(X, labeled_rows, architecture):
    """Whether the rule is looked for: unlabeled rows, a dense narrow table, not too many rows."""
    n_rows, n_features = X.shape
    return (
        architecture == "mlp"
        and not sparse.issparse(X)
        and n_features < WIDE_INPUT
        and len(labeled_rows) < n_rows <= NEIGHBOR_SEARCH_ROWS
    )


def _components(neighbors, k):
    n_rows = neighbors.shape[0]
    edges = sparse.csr_matrix(
        (np.ones(n_rows * k), (np.repeat(np.arange(n_rows), k), neighbors[:, :k].ravel())),
        shape=(n_rows, n_rows),
    )
    return connected_components(edges, directed=False)


def labels_from_groups(X, labeled_rows, codes):
    """``(labeled_rows, codes)`` with every row of a group labeled with its labels' class.

    ``labeled_rows`` and ``codes`` come back unchanged where the rows form fewer
    than two groups, where a group's labels name more than one class, or where
    the groups merge with more neighbours.
    """
    n_rows = X.shape[0]
    most = min(STABLE_FACTOR * MAX_NEIGHBORS, n_rows - 1)
    if most < STABLE_FACTOR * MIN_NEIGHBORS:
        return labeled_rows, codes
    neighbors = nearest_rows(X, most)
    is_labeled = np.zeros(n_rows, dtype=bool)
    is_labeled[labeled_rows] = True
    for k in range(MIN_NEIGHBORS, min(MAX_NEIGHBORS, most // STABLE_FACTOR) + 1):
        n_groups, group = _components(neighbors, k)
        if n_groups == 1:
            return labeled_rows, codes
        if np.unique(group[labeled_rows]).size == n_groups:
            break
    else:
        return labeled_rows, codes
    n_classes_in_group = np.zeros(n_groups, dtype=np.intp)
    pairs = np.unique(np.column_stack([group[labeled_rows], codes]), axis=0)
    np.add.at(n_classes_in_group, pairs[:, 0], 1)
    if (n_classes_in_group > 1).any():
        return labeled_rows, codes
    n_wider, _ = _components(neighbors, STABLE_FACTOR * k)
    if n_wider != n_groups:
        return labeled_rows, codes
    class_of_group = np.empty(n_groups, dtype=codes.dtype)
    class_of_group[pairs[:, 0]] = pairs[:, 1]
    return np.arange(n_rows), class_of_group[group]
