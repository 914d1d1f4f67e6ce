"""device="cuda": these run only where a CUDA GPU is present (CI has none).

Not yet run on GPU hardware (docs/reliability.md, "GPU"): run them with
``python -m pytest tests/test_cuda.py`` on any machine with CUDA.
"""

import copy
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import load_digits

from sgan_sklearn import SGANClassifier
from tests._helpers import ACCURATE, InterruptInEpoch, tensors_outside_cuda_mapped_attributes

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


@pytest.fixture(scope="module")
def digits():
    """Digits with 10 labels per class; the other rows are given as -1."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    labeled = np.concatenate(
        [rng.choice(np.flatnonzero(y == k), 10, replace=False) for k in range(10)]
    )
    y_partial = np.full_like(y, -1)
    y_partial[labeled] = y[labeled]
    return X, y, y_partial


@pytest.fixture(scope="module")
def fitted_cuda(digits):
    X, _, y_partial = digits
    return SGANClassifier(**ACCURATE, device="cuda", random_state=0).fit(X, y_partial)


def _unlabeled_accuracy(model, digits):
    X, y, y_partial = digits
    unlabeled = y_partial == -1
    return float(np.mean(model.predict(X[unlabeled]) == y[unlabeled]))


def test_fit_trains_both_networks_on_the_gpu(fitted_cuda):
    assert all(p.device.type == "cuda" for p in fitted_cuda.discriminator_.parameters())
    assert all(p.device.type == "cuda" for p in fitted_cuda.generator_.parameters())
    assert fitted_cuda.termination_condition_ == "max_epochs"


def test_gpu_fit_is_as_accurate_as_a_cpu_fit(fitted_cuda, digits):
    X, _, y_partial = digits
    proba = fitted_cuda.predict_proba(X)
    assert isinstance(proba, np.ndarray) and proba.shape == (len(X), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    on_cpu = SGANClassifier(**ACCURATE, random_state=0).fit(X, y_partial)
    gpu, cpu = _unlabeled_accuracy(fitted_cuda, digits), _unlabeled_accuracy(on_cpu, digits)
    assert gpu > 0.8
    assert abs(gpu - cpu) < 0.05


def test_same_seed_gives_the_same_predictions_on_the_gpu(fitted_cuda, digits):
    X, _, y_partial = digits
    again = clone(fitted_cuda).fit(X, y_partial)
    np.testing.assert_allclose(again.predict_proba(X), fitted_cuda.predict_proba(X), atol=1e-5)


def test_torch_device_object_and_sparse_input(digits):
    X, _, y_partial = digits
    model = SGANClassifier(**{**ACCURATE, "max_epochs": 2}, device=torch.device("cuda"))
    model.fit(sparse.csr_matrix(X), y_partial)
    assert next(model.discriminator_.parameters()).device.type == "cuda"
    np.testing.assert_allclose(
        model.predict_proba(sparse.csr_matrix(X)), model.predict_proba(X), atol=1e-5
    )


def test_warm_start_continues_on_the_gpu(digits):
    X, _, y_partial = digits
    model = SGANClassifier(**{**ACCURATE, "max_epochs": 2}, device="cuda", warm_start=True)
    model.fit(X, y_partial)
    model.fit(X, y_partial)
    assert model.n_iter_ == 4
    assert all(p.device.type == "cuda" for p in model.discriminator_.parameters())


def test_interruption_restores_the_gpu_snapshot(digits):
    X, _, y_partial = digits
    with pytest.warns(UserWarning, match="interrupted in epoch 3"):
        model = SGANClassifier(
            **ACCURATE, device="cuda", callbacks=[InterruptInEpoch(3)], random_state=0
        ).fit(X, y_partial)
    assert model.n_iter_ == 2
    two_epochs = SGANClassifier(**{**ACCURATE, "max_epochs": 2}, device="cuda", random_state=0)
    two_epochs.fit(X, y_partial)
    np.testing.assert_allclose(model.predict_proba(X), two_epochs.predict_proba(X), atol=1e-5)


def test_pickle_round_trip_on_the_gpu(fitted_cuda, digits):
    X = digits[0]
    restored = pickle.loads(pickle.dumps(fitted_cuda))
    assert next(restored.discriminator_.parameters()).device.type == "cuda"
    np.testing.assert_array_equal(restored.predict_proba(X), fitted_cuda.predict_proba(X))


def test_no_gpu_tensors_outside_skorchs_mapped_attributes(fitted_cuda):
    assert not tensors_outside_cuda_mapped_attributes(fitted_cuda.net_)


def test_gpu_model_file_loads_and_predicts_where_cuda_is_hidden(fitted_cuda, digits, tmp_path):
    X = digits[0]
    fitted_cuda.save(tmp_path / "model.sgan")
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "expected.npy", fitted_cuda.predict_proba(X))
    script = textwrap.dedent(
        """
        import sys
        import numpy as np, torch
        import sgan_sklearn
        assert not torch.cuda.is_available()
        folder = sys.argv[1]
        model = sgan_sklearn.load(folder + "/model.sgan")
        assert model.device == "cpu"
        proba = model.predict_proba(np.load(folder + "/X.npy"))
        np.testing.assert_allclose(proba, np.load(folder + "/expected.npy"), atol=1e-12)
        print("ok")
        """
    )
    _run_where_cuda_is_hidden(script, tmp_path)


def test_gpu_model_unpickles_and_predicts_where_cuda_is_hidden(fitted_cuda, digits, tmp_path):
    X = digits[0]
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(copy.deepcopy(fitted_cuda)))
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "expected.npy", fitted_cuda.predict_proba(X))
    script = textwrap.dedent(
        """
        import pickle, sys, warnings
        import numpy as np, torch
        from skorch.exceptions import DeviceWarning
        assert not torch.cuda.is_available()
        folder = sys.argv[1]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with open(folder + "/model.pkl", "rb") as f:
                model = pickle.load(f)
        assert any(issubclass(w.category, DeviceWarning) for w in caught)
        assert all(p.device.type == "cpu" for p in model.discriminator_.parameters())
        proba = model.predict_proba(np.load(folder + "/X.npy"))
        np.testing.assert_allclose(proba, np.load(folder + "/expected.npy"), atol=1e-4)
        print("ok")
        """
    )
    _run_where_cuda_is_hidden(script, tmp_path)


def _run_where_cuda_is_hidden(script, folder):
    """Run ``script`` with ``folder`` as its argument in a process that sees no GPU."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("architecture", ["conv", "sgan_original"])
def test_image_architectures_train_on_the_gpu(digits, architecture):
    X, _, y_partial = digits
    sizes = (8, 16) if architecture == "conv" else (8, 8, 16, 16)
    clf = SGANClassifier(
        architecture=architecture,
        image_shape=(1, 8, 8),
        hidden_layer_sizes=sizes,
        generator_layer_sizes=(16, 8),
        max_epochs=2,
        device="cuda",
        random_state=0,
    ).fit(X, y_partial)
    assert all(p.device.type == "cuda" for p in clf.net_.module_.parameters())
    assert all(p.device.type == "cuda" for p in clf.generator_.parameters())
    assert np.isfinite(clf.predict_proba(X)).all()
