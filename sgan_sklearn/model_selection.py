"""Cross-validation tools for semi-supervised data, where the label -1 marks unlabeled rows.

scikit-learn's splitters and scorers treat -1 as an ordinary class (scikit-learn issue #2593):
unlabeled rows land in test folds and are scored as if "-1" were a class the model should
predict. :class:`SemiSupervisedStratifiedKFold` keeps every unlabeled row in every training
fold and builds stratified test folds from the labeled rows only; :func:`labeled_scorer` makes
any scorer ignore unlabeled rows, whatever splitter produced the fold.
"""

import warnings
from copy import copy
from inspect import signature

import numpy as np
from sklearn.metrics import get_scorer
from sklearn.metrics._scorer import _BaseScorer
from sklearn.model_selection import StratifiedKFold
from sklearn.model_selection._split import _BaseKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_array, column_or_1d

from ._labels import labeled_mask

__all__ = ["SemiSupervisedStratifiedKFold", "labeled_scorer"]


class SemiSupervisedStratifiedKFold(_BaseKFold):
    """Stratified K-fold splitter that tests on labeled rows and always trains on unlabeled ones.

    Rows whose label is -1 are unlabeled. The labeled rows are split into `n_splits` stratified
    test folds with :class:`~sklearn.model_selection.StratifiedKFold`; every unlabeled row is in
    every training fold. The test folds therefore hold labeled rows only and together partition
    them, so a score computed on a test fold never sees the placeholder label -1.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds. Must be at least 2, and no class may have fewer labeled rows than
        `n_splits`.

    shuffle : bool, default=False
        Whether to shuffle each class's labeled rows before splitting them into folds. The
        rows within each fold are not shuffled.

    random_state : int, RandomState instance or None, default=None
        Controls the shuffling of the labeled rows when `shuffle` is True. Pass an int for
        reproducible output across multiple function calls. Must be None when `shuffle` is
        False.

    See Also
    --------
    labeled_scorer : Make a scorer ignore the unlabeled rows of any fold.
    sklearn.model_selection.StratifiedKFold : The splitter applied to the labeled rows.

    Notes
    -----
    Labels may be integers, floats (-1.0 marks unlabeled rows) or objects such as strings, in
    which case the integer -1 marks unlabeled rows, as in :mod:`sklearn.semi_supervised`.

    Examples
    --------
    >>> import numpy as np
    >>> from sgan_sklearn.model_selection import SemiSupervisedStratifiedKFold
    >>> X = np.zeros((8, 1))
    >>> y = np.array([0, 0, 1, 1, -1, -1, -1, -1])
    >>> cv = SemiSupervisedStratifiedKFold(n_splits=2)
    >>> for train, test in cv.split(X, y):
    ...     print("train:", train, "test:", test)
    train: [1 3 4 5 6 7] test: [0 2]
    train: [0 2 4 5 6 7] test: [1 3]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits=n_splits, shuffle=shuffle, random_state=random_state)

    def split(self, X, y, groups=None):
        """Generate indices to split data into training and test set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data. Only its number of rows is used, so ``np.zeros(n_samples)`` may
            stand in for it.

        y : array-like of shape (n_samples,)
            Target labels, with -1 for unlabeled rows. Stratification is done on the labeled
            rows.

        groups : array-like of shape (n_samples,), default=None
            Always ignored, exists for API compatibility.

        Yields
        ------
        train : ndarray
            The training set indices for that split: every unlabeled row and the labeled rows
            of the other folds.

        test : ndarray
            The testing set indices for that split: labeled rows only.
        """
        if groups is not None:
            warnings.warn(
                f"The groups parameter is ignored by {self.__class__.__name__}",
                UserWarning,
                stacklevel=2,
            )
        if y is None:
            raise ValueError(
                f"{self.__class__.__name__}.split needs the target y to find the labeled rows; "
                "got y=None. Pass y with -1 marking unlabeled rows."
            )
        y = check_array(y, input_name="y", ensure_2d=False, dtype=None)
        return super().split(X, y, groups)

    def _iter_test_indices(self, X, y, groups):
        y = column_or_1d(y)
        labeled_indices = np.flatnonzero(labeled_mask(y))
        if labeled_indices.size == 0:
            raise ValueError(
                "y has no labeled rows: every label is -1. Cross-validation needs labeled rows "
                "to build test folds; label some rows of y."
            )
        labeled_y = y[labeled_indices]
        self._check_class_counts(labeled_y)
        labeled_splitter = StratifiedKFold(
            n_splits=self.n_splits, shuffle=self.shuffle, random_state=self.random_state
        )
        for _, test in labeled_splitter.split(np.zeros(labeled_indices.size), labeled_y):
            yield labeled_indices[test]

    def _check_class_counts(self, labeled_y):
        classes, counts = np.unique(labeled_y, return_counts=True)
        too_few = {
            cls: count
            for cls, count in zip(classes.tolist(), counts.tolist(), strict=True)
            if count < self.n_splits
        }
        if too_few:
            details = ", ".join(f"class {cls!r}: {count}" for cls, count in too_few.items())
            fewest = min(too_few.values())
            # n_splits below 2 is no cross-validation, so only suggest a reachable value.
            fewer_splits = f"use n_splits<={fewest} or " if fewest >= 2 else ""
            raise ValueError(
                f"Every class needs at least n_splits={self.n_splits} labeled rows so that "
                f"each test fold can hold one, but some have fewer ({details}). Either "
                f"{fewer_splits}label more rows of these classes."
            )


class _LabeledScorer:
    """Scorer that evaluates another scorer on the labeled rows of a fold only.

    Build it with :func:`labeled_scorer`. It is a class rather than a closure so that it can
    be pickled and sent to parallel workers.
    """

    def __init__(self, scoring):
        self.scoring = scoring
        self._scorer = _resolve_scorer(scoring)

    def __call__(self, estimator, X, y_true):
        """Score `estimator` on the rows of `X` whose label in `y_true` is not -1.

        Parameters
        ----------
        estimator : object
            Fitted estimator to evaluate.

        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Test data.

        y_true : array-like of shape (n_samples,)
            True labels, with -1 for unlabeled rows, which are left out of the score.

        Returns
        -------
        score : float
            The wrapped scorer's value on the labeled rows.
        """
        labeled = labeled_mask(y_true)
        if not labeled.any():
            raise ValueError(
                "This test fold has no labeled rows (every label in y is -1), so it cannot be "
                "scored. Use SemiSupervisedStratifiedKFold as cv, whose test folds hold labeled "
                "rows only, or use fewer folds."
            )
        X_labeled = _safe_indexing(X, labeled)
        y_labeled = _safe_indexing(y_true, labeled)
        return self._scorer_for(estimator)(estimator, X_labeled, y_labeled)

    def _scorer_for(self, estimator):
        """Return the scorer, told the estimator's classes when it scores class columns.

        Probability and decision scores have one column per entry of `estimator.classes_`. A
        metric such as `log_loss` or `roc_auc_score` otherwise infers the classes from the
        labels present in the fold, which fails or misaligns the columns as soon as a fold
        misses a class; scikit-learn's scorers do not pass `labels` themselves.
        """
        scorer = self._scorer
        if (
            not isinstance(scorer, _BaseScorer)
            or scorer._response_method == "predict"
            or "labels" in scorer._kwargs
            or "labels" not in signature(scorer._score_func).parameters
        ):
            return scorer
        with_labels = copy(scorer)
        with_labels._kwargs = {**scorer._kwargs, "labels": estimator.classes_}
        return with_labels

    def __repr__(self):
        return f"labeled_scorer({self.scoring!r})"


def _resolve_scorer(scoring):
    if isinstance(scoring, str):
        return get_scorer(scoring)
    if callable(scoring):
        return scoring
    raise TypeError(
        "scoring must be a scorer name such as 'accuracy' (see "
        "sklearn.metrics.get_scorer_names()) or a callable scorer(estimator, X, y); "
        f"got {scoring!r} of type {type(scoring).__name__}."
    )


def labeled_scorer(scoring):
    """Make a scorer that ignores unlabeled rows (label -1).

    scikit-learn scorers treat -1 as a class, so scoring a fold that holds unlabeled rows
    counts every prediction on them as wrong (scikit-learn issue #2593). The returned scorer
    drops those rows from `X` and `y` before calling `scoring`, so it gives the right score
    with any splitter, including a plain :class:`~sklearn.model_selection.KFold`.

    For scorers built on `predict_proba` or `decision_function` whose metric takes `labels`
    (``'neg_log_loss'``, ``'roc_auc_ovr'``, ...), the estimator's `classes_` are passed as
    `labels`, so a fold whose labeled rows miss a class is still scored against the right
    columns. A one-versus-rest ROC AUC is undefined for a class absent from the fold; as in
    scikit-learn it then comes out as NaN with an ``UndefinedMetricWarning``.

    Parameters
    ----------
    scoring : str or callable
        A scorer name (see :func:`sklearn.metrics.get_scorer_names`), a scorer object from
        :func:`sklearn.metrics.make_scorer`, or any callable ``scorer(estimator, X, y)``.

    Returns
    -------
    scorer : callable
        A picklable scorer ``scorer(estimator, X, y)`` that evaluates `scoring` on the rows
        whose label is not -1. It raises a ValueError when a fold has no labeled row.

    See Also
    --------
    SemiSupervisedStratifiedKFold : Splitter whose test folds hold labeled rows only.
    sklearn.metrics.make_scorer : Build a scorer from a metric function.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.semi_supervised import LabelSpreading
    >>> from sgan_sklearn.model_selection import labeled_scorer
    >>> X = np.array([[0.0], [0.1], [1.0], [1.1], [0.05], [1.05]])
    >>> y = np.array([0, 0, 1, 1, -1, -1])
    >>> model = LabelSpreading().fit(X, y)
    >>> scorer = labeled_scorer("accuracy")
    >>> scorer
    labeled_scorer('accuracy')
    >>> float(scorer(model, X, y))
    1.0
    """
    return _LabeledScorer(scoring)
