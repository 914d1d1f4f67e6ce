"""Hyperparameter search over SGANClassifier: sequential, on loky processes and on Dask."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from sgan_sklearn import SGANClassifier
from sgan_sklearn.model_selection import SemiSupervisedStratifiedKFold, labeled_scorer
from tests._helpers import SEARCH

PARAM_GRID = {"hidden_noise": [0.3, 0.5]}


@pytest.fixture(scope="module")
def digits():
    """Digits scaled to [0, 1], 10% of the rows labeled, and the true labels of every row."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.RandomState(42)
    labeled = rng.choice(len(y), size=len(y) // 10, replace=False)
    y_semi = np.full_like(y, -1)
    y_semi[labeled] = y[labeled]
    return X / 16.0, y_semi, y


def sgan_search(**search_params):
    # One torch thread per fit, so parallel fits do not oversubscribe the cores.
    sgan = SGANClassifier(**SEARCH, n_threads=1, random_state=0)
    return GridSearchCV(
        sgan,
        PARAM_GRID,
        cv=SemiSupervisedStratifiedKFold(3),
        scoring=labeled_scorer("accuracy"),
        **search_params,
    )


def assert_same_search_results(search, reference):
    for key in ["split0_test_score", "split1_test_score", "split2_test_score", "rank_test_score"]:
        np.testing.assert_array_equal(search.cv_results_[key], reference.cv_results_[key])
    assert search.best_params_ == reference.best_params_
    assert search.best_score_ == reference.best_score_


@pytest.fixture(scope="module")
def sequential_search(digits):
    X, y_semi, _ = digits
    return sgan_search(n_jobs=1).fit(X, y_semi)


@pytest.mark.slow
def test_grid_search_picks_an_accurate_sgan(digits, sequential_search):
    X, y_semi, y_true = digits
    search = sequential_search

    assert search.best_score_ > 0.7
    assert search.best_params_["hidden_noise"] in PARAM_GRID["hidden_noise"]
    # The refitted model also labels the rows it saw unlabeled.
    unlabeled = y_semi == -1
    assert np.mean(search.predict(X[unlabeled]) == y_true[unlabeled]) > 0.7


@pytest.mark.slow
def test_grid_search_on_loky_processes_matches_sequential(digits, sequential_search):
    X, y_semi, _ = digits

    search = sgan_search(n_jobs=2).fit(X, y_semi)

    assert search.best_score_ > 0.7
    assert_same_search_results(search, sequential_search)


@pytest.fixture(scope="module")
def dask_client():
    import distributed

    # Worker processes, not threads: torch's default random generator and thread count are
    # process-wide, so two fits sharing a process would interleave their random draws.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.mark.slow
def test_grid_search_on_dask_matches_sequential(digits, sequential_search, dask_client):
    from distributed import get_task_stream

    X, y_semi, _ = digits

    with joblib.parallel_config(backend="dask"), get_task_stream(client=dask_client) as tasks:
        search = sgan_search().fit(X, y_semi)

    # The fits ran on the cluster's workers, not in this process.
    assert len(tasks.data) >= len(PARAM_GRID["hidden_noise"]) * 3
    assert search.best_score_ > 0.7
    assert_same_search_results(search, sequential_search)


def test_threading_backend_is_reproducible(digits, sequential_search):
    # torch's RNG is process-wide; fits in threads must not mix their draws.
    X, y_semi, _ = digits
    with joblib.parallel_config(backend="threading", n_jobs=2):
        threaded = sgan_search(n_jobs=2).fit(X, y_semi)
    assert_same_search_results(threaded, sequential_search)
