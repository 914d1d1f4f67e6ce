"""scikit-learn conformance checks for every public estimator."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sgan_sklearn import SGANClassifier
from tests._helpers import CONFORMANCE

# Each check fits the estimator, dozens of fits in all: slow, run with SGAN_RUN_SLOW=1.
pytestmark = pytest.mark.slow

EXPECTED_FAILED_CHECKS = {
    "check_classifiers_classes": (
        "the check fits y in {-1, 1} and expects -1 as a class; -1 marks unlabeled "
        "rows for semi-supervised estimators (as in sklearn.semi_supervised)"
    ),
}


@parametrize_with_checks(
    [SGANClassifier(**CONFORMANCE)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
