"""Persistence: pickle/joblib (trusted files) and the safe model files of save/load."""

import copy
import io
import json
import pickle
import warnings
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from skorch.callbacks import Callback
from skorch.exceptions import DeviceWarning

import sgan_sklearn
from sgan_sklearn import SGANClassifier
from tests._helpers import SMALL, TINY, tensors_outside_cuda_mapped_attributes, three_blobs


@pytest.fixture(scope="module")
def data(blobs):
    return blobs


# ----- pickle and joblib (trusted files) -------------------------------------------
def test_pickle_and_joblib_give_identical_predictions(fitted_small, data, tmp_path):
    X, _ = data
    expected = fitted_small.predict_proba(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_pickle = pickle.loads(pickle.dumps(fitted_small))
        joblib.dump(fitted_small, tmp_path / "model.joblib")
        from_joblib = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(from_pickle.predict_proba(X), expected)
    np.testing.assert_array_equal(from_joblib.predict_proba(X), expected)
    assert "_sgan_sklearn_version" not in vars(from_pickle)
    assert "_sgan_sklearn_version" not in vars(fitted_small)


def test_pickle_records_the_package_version(fitted_small):
    state = fitted_small.__getstate__()
    assert state["_sgan_sklearn_version"] == sgan_sklearn.__version__
    state["_sgan_sklearn_version"] = "0.0.1"
    restored = SGANClassifier.__new__(SGANClassifier)
    with pytest.warns(UserWarning, match=r"0\.0\.1.*" + sgan_sklearn.__version__ + ".*Refit"):
        restored.__setstate__(state)
    assert "_sgan_sklearn_version" not in vars(restored)


def test_model_fitted_on_cuda_loads_on_cpu(fitted_small, data):
    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    X, _ = data
    expected = fitted_small.predict_proba(X)
    on_cuda = copy.copy(fitted_small)
    on_cuda.net_ = copy.copy(fitted_small.net_)
    on_cuda.net_.device = "cuda"
    on_cuda.device = "cuda"
    with pytest.warns(DeviceWarning):
        restored = pickle.loads(pickle.dumps(on_cuda))
    assert torch.device(restored.net_.device).type == "cpu"
    assert all(p.device.type == "cpu" for p in restored.discriminator_.parameters())
    np.testing.assert_array_equal(restored.predict_proba(X), expected)


def test_no_tensors_outside_cuda_dependent_attributes(fitted_small):
    assert not tensors_outside_cuda_mapped_attributes(fitted_small.net_)


# ----- safe model files: save / load --------------------------------------------------
def _string_labels(y):
    return np.array([-1 if v == -1 else f"class {v}" for v in y], dtype=object)


FITTED_CONFIGURATIONS = {
    "dense": lambda X, y: (X, y, {}),
    "sparse": lambda X, y: (sparse.csr_matrix(np.where(X > 2, X, 0.0)), y, {}),
    "string labels": lambda X, y: (X, _string_labels(y), {}),
    "float labels": lambda X, y: (X, y.astype(float), {}),
    "dataframe": lambda X, y: (pd.DataFrame(X, columns=list("abcd")), y, {}),
    "minmax": lambda X, y: (X, y, {"input_scaling": "minmax"}),
    "sparse minmax": lambda X, y: (sparse.csr_matrix(X), y, {"input_scaling": "minmax"}),
    "no scaling": lambda X, y: (X, y, {"input_scaling": None}),
    "non_saturating": lambda X, y: (X, y, {"generator_loss": "non_saturating"}),
    "linear_decay": lambda X, y: (X, y, {"learning_rate_schedule": "linear_decay"}),
    "schedule_epochs": lambda X, y: (
        X,
        y,
        {
            "learning_rate_schedule": "linear_decay",
            "train__schedule_epochs": 5,
            "warm_start": True,
        },
    ),
    "bad gan optimizer": lambda X, y: (
        X,
        y,
        {
            "learning_rate_schedule": "linear_decay",
            "train__decay_start": 2 / 3,
            "optimizer__betas": (0.5, 0.9999),
            "generator_optimizer__betas": (0.0, 0.9999),
        },
    ),
    "auto batch": lambda X, y: (
        X,
        y,
        {"batch_size": "auto", "train__min_steps_per_epoch": "auto"},
    ),
    "label smoothing": lambda X, y: (X, y, {"label_smoothing": 0.2}),
    "temperature": lambda X, y: (X, y, {"label_smoothing": 0.0, "temperature": 1.7}),
}


@pytest.mark.parametrize("configuration", list(FITTED_CONFIGURATIONS))
def test_save_load_round_trip_predicts_identically(data, tmp_path, configuration):
    X, y, params = FITTED_CONFIGURATIONS[configuration](*data)
    clf = SGANClassifier(**{**SMALL, **params}, random_state=0).fit(X, y)
    assert clf.save(tmp_path / "model.sgan") is clf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = sgan_sklearn.load(tmp_path / "model.sgan")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    assert loaded.classes_.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(loaded.transduction_, clf.transduction_)
    np.testing.assert_array_equal(loaded.label_distributions_, clf.label_distributions_)
    assert loaded.get_params() == clf.get_params()
    assert loaded.n_iter_ == clf.n_iter_ and loaded.n_features_in_ == clf.n_features_in_
    assert loaded.batch_size_ == clf.batch_size_ == loaded.net_.batch_size
    assert loaded.net_.criterion_.label_smoothing == clf.label_smoothing_
    assert loaded.label_smoothing_ == clf.label_smoothing_
    assert loaded.temperature_ == clf.temperature_
    assert loaded.termination_condition_ == clf.termination_condition_
    assert loaded.history_.to_list() == clf.history_.to_list()
    for optimizer in ("optimizer_", "optimizer_generator_"):
        betas = getattr(clf.net_, optimizer).param_groups[0]["betas"]
        assert getattr(loaded.net_, optimizer).param_groups[0]["betas"] == betas
    assert loaded.net_.decay_start == clf.net_.decay_start
    if hasattr(clf, "feature_names_in_"):
        np.testing.assert_array_equal(loaded.feature_names_in_, clf.feature_names_in_)
    else:
        assert not hasattr(loaded, "feature_names_in_")


def test_loaded_model_continues_training_as_the_pickled_one_does(data, tmp_path):
    X, y = data
    clf = SGANClassifier(**SMALL, warm_start=True, random_state=0).fit(X, y)
    clf.save(tmp_path / "model.sgan")
    loaded = sgan_sklearn.load(tmp_path / "model.sgan")
    # A pickle keeps everything but the noise bank, which a model file also drops.
    unpickled = pickle.loads(pickle.dumps(clf))
    loaded.fit(X, y)
    unpickled.fit(X, y)
    assert loaded.n_iter_ == 2 * SMALL["max_epochs"]
    np.testing.assert_array_equal(loaded.predict_proba(X), unpickled.predict_proba(X))


def test_callbacks_are_not_stored(data, tmp_path):
    X, y = data
    clf = SGANClassifier(**TINY, callbacks=[("noop", Callback())])
    clf.fit(X, y).save(tmp_path / "model.sgan")
    assert sgan_sklearn.load(tmp_path / "model.sgan").callbacks is None


class _WritesAFile:
    """Unpickling this creates ``path``: what a malicious pickle would do."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _model_file(path, metadata, weights_bytes):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
        archive.writestr("weights.pt", weights_bytes)


def _parts(model, tmp_path):
    model.save(tmp_path / "good.sgan")
    with zipfile.ZipFile(tmp_path / "good.sgan") as archive:
        return json.loads(archive.read("metadata.json")), archive.read("weights.pt")


def test_a_file_that_would_run_code_is_refused_and_runs_nothing(fitted_small, tmp_path):
    metadata, _ = _parts(fitted_small, tmp_path)
    marker = tmp_path / "code_ran"
    # The payload is live: unpickling it the trusting way runs it.
    pickle.loads(pickle.dumps(_WritesAFile(tmp_path / "proof"))).close()
    assert (tmp_path / "proof").exists()

    payload = io.BytesIO()
    torch.save({"module_": _WritesAFile(marker)}, payload)
    _model_file(tmp_path / "evil.sgan", metadata, payload.getvalue())
    with pytest.raises(ValueError, match="weights.pt was refused"):
        sgan_sklearn.load(tmp_path / "evil.sgan")
    (tmp_path / "evil.pkl").write_bytes(pickle.dumps(_WritesAFile(marker)))
    with pytest.raises(ValueError, match="not a readable sgan-sklearn model file"):
        sgan_sklearn.load(tmp_path / "evil.pkl")
    _model_file(tmp_path / "evil_raw.sgan", metadata, pickle.dumps(_WritesAFile(marker)))
    with pytest.raises(ValueError, match="weights.pt was refused"):
        sgan_sklearn.load(tmp_path / "evil_raw.sgan")
    assert not marker.exists()


def _edited(metadata, **changes):
    return {**copy.deepcopy(metadata), **changes}


def test_auto_temperature_follows_the_neighbour_term_the_file_was_trained_with(tmp_path):
    X, y = three_blobs(n_rows=120)
    clf = SGANClassifier(**SMALL, label_smoothing=0.0, random_state=0).fit(X, y)
    metadata, weights = _parts(clf, tmp_path)
    assert sgan_sklearn.load(tmp_path / "good.sgan").temperature_ == clf.temperature_ == 2.5
    # A file of a version before the neighbour term: trained without it, so its
    # probabilities keep the temperature they had.
    older = _edited(metadata)
    del older["net"]["neighbor_weight"]
    _model_file(tmp_path / "older.sgan", older, weights)
    loaded = sgan_sklearn.load(tmp_path / "older.sgan")
    assert loaded.temperature_ == 2.0
    logits = np.log(clf.set_params(temperature=1.0).predict_proba(X))
    expected = np.exp(logits / 2.0)
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=1e-4, atol=1e-6)


def test_truncated_or_edited_files_give_a_clear_error(fitted_small, tmp_path):
    metadata, weights = _parts(fitted_small, tmp_path)
    good = (tmp_path / "good.sgan").read_bytes()
    (tmp_path / "truncated.sgan").write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match="truncated"):
        sgan_sklearn.load(tmp_path / "truncated.sgan")

    with zipfile.ZipFile(tmp_path / "no_weights.sgan", "w") as archive:
        archive.writestr("metadata.json", json.dumps(metadata))
    with pytest.raises(ValueError, match="lacks weights.pt"):
        sgan_sklearn.load(tmp_path / "no_weights.sgan")

    without_history = {k: v for k, v in metadata.items() if k != "history"}
    wrong_layout = _edited(
        metadata,
        params={**metadata["params"], "hidden_layer_sizes": [5]},
        layer_sizes={**metadata["layer_sizes"], "hidden_layer_sizes": [5]},
    )
    widths_disagree = _edited(metadata, params={**metadata["params"], "hidden_layer_sizes": [5]})
    cases = {
        "not json": (b"{", "not valid JSON"),
        "other format": (_edited(metadata, format="something-else"), "does not describe"),
        "missing key": (without_history, "lacks history"),
        "bad parameter": (
            _edited(metadata, params={**metadata["params"], "max_epochs": -3}),
            "max_epochs",
        ),
        "unknown parameter": (
            _edited(metadata, params={**metadata["params"], "colour": "red"}),
            "colour",
        ),
        "weights of another layout": (wrong_layout, "does not match the structure"),
        "widths that disagree": (widths_disagree, "does not give the stored widths"),
    }
    for name, (edited, match) in cases.items():
        path = tmp_path / f"{name}.sgan"
        with zipfile.ZipFile(path, "w") as archive:
            raw = edited if isinstance(edited, bytes) else json.dumps(edited)
            archive.writestr("metadata.json", raw)
            archive.writestr("weights.pt", weights)
        with pytest.raises(ValueError, match=match):
            sgan_sklearn.load(path)

    extra = io.BytesIO()
    torch.save({"module_": {}}, extra)
    _model_file(tmp_path / "other_weights.sgan", metadata, extra.getvalue())
    with pytest.raises(ValueError, match=r"should hold \["):
        sgan_sklearn.load(tmp_path / "other_weights.sgan")


def test_another_format_version_is_refused_naming_both_versions(fitted_small, tmp_path):
    metadata, weights = _parts(fitted_small, tmp_path)
    _model_file(tmp_path / "old.sgan", _edited(metadata, format_version=0), weights)
    with pytest.raises(ValueError, match="format version 0 .*reads version 1"):
        sgan_sklearn.load(tmp_path / "old.sgan")


def test_a_model_saved_from_a_gpu_loads_on_a_cpu(fitted_small, data, tmp_path):
    if torch.cuda.is_available():
        pytest.skip("tests/test_cuda.py saves a real GPU model")
    X, _ = data
    metadata, weights = _parts(fitted_small, tmp_path)
    on_gpu = _edited(metadata, params={**metadata["params"], "device": "cuda:0"})
    _model_file(tmp_path / "gpu.sgan", on_gpu, weights)
    loaded = sgan_sklearn.load(tmp_path / "gpu.sgan")
    assert loaded.device == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted_small.predict_proba(X))


def test_save_needs_a_fitted_estimator(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SGANClassifier().save(tmp_path / "model.sgan")
    assert not (tmp_path / "model.sgan").exists()
