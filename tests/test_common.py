"""scikit-learn conformance checks for every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sgan_sklearn import SGANClassifier

# Small networks and few steps: the checks fit dozens of times, and what they
# test (API behaviour) does not depend on the model size.
FAST = dict(
    hidden_layer_sizes=(32, 32),
    generator_layer_sizes=(32,),
    latent_dim=8,
    max_epochs=4,
    min_steps_per_epoch=25,
    batch_size=32,
)

EXPECTED_FAILED_CHECKS = {
    "check_classifiers_classes": (
        "the check fits y in {-1, 1} and expects -1 as a class; -1 marks unlabeled "
        "rows for semi-supervised estimators (as in sklearn.semi_supervised)"
    ),
}


@parametrize_with_checks(
    [SGANClassifier(**FAST)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
