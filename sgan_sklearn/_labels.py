"""The -1 convention for partially labeled targets (as ``sklearn.semi_supervised``)."""

from numbers import Number

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

UNLABELED = -1


def _is_unlabeled_marker(value):
    return isinstance(value, Number) and not isinstance(value, bool) and value == UNLABELED


def labeled_mask(y):
    """Boolean mask of the rows of ``y`` whose label is known (not -1).

    Integer -1, float -1.0 and the number -1 inside an object array mark an
    unlabeled row. Arrays of strings ('<U'/'S' dtype) cannot hold the integer
    -1, so a string "-1" there is an error rather than a silent class.
    """
    y = np.asarray(y)
    if y.dtype.kind in "US":
        if np.any(y == str(UNLABELED)):
            raise ValueError(
                'y is an array of strings that contains "-1". Unlabeled rows are marked '
                "with the integer -1; to mix string labels with unlabeled rows, pass an "
                'object array, e.g. np.array(["cat", -1, "dog"], dtype=object).'
            )
        return np.ones(y.shape[0], dtype=bool)
    if y.dtype.kind == "O":
        return np.array([not _is_unlabeled_marker(v) for v in y], dtype=bool)
    return y != UNLABELED


def encode_labels(y):
    """Validate a partially labeled ``y``; return ``(classes, labeled_rows, codes)``.

    ``classes`` are the sorted labeled classes (never -1), ``labeled_rows`` the
    indices of the labeled rows and ``codes`` their positions in ``classes``.
    """
    mask = labeled_mask(y)
    if not mask.any():
        raise ValueError(
            "y has no labeled rows: every label is -1. Semi-supervised training needs "
            "at least one labeled row for each of at least two classes; mark only the "
            "unlabeled rows with -1."
        )
    y_labeled = y[mask]
    try:
        check_classification_targets(y_labeled)
        classes, codes = np.unique(y_labeled, return_inverse=True)
    except ValueError as exc:
        raise ValueError(
            f"{exc} Labels in y must be discrete classes: integers, strings, or floats "
            "with whole values (e.g. 1.0, not 0.5), with -1 for unlabeled rows."
        ) from exc
    except TypeError as exc:
        types = sorted({type(v).__name__ for v in y_labeled})
        raise ValueError(
            f"y mixes label types ({', '.join(types)}), which cannot be sorted into "
            "classes. Use one type for all labels (e.g. all str or all int), with the "
            "integer -1 for unlabeled rows."
        ) from exc
    if len(classes) < 2:
        raise ValueError(
            f"y has labeled rows of only one class ({classes.tolist()[0]!r}); a classifier needs "
            "labeled rows of at least two classes. Label at least one row of another "
            "class, or use -1 only for rows whose label is unknown."
        )
    return classes, np.flatnonzero(mask), codes.astype(np.int64)
