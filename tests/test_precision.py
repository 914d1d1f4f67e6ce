"""Training precision (float32 / bfloat16) and the 'auto' network widths."""

import numpy as np
import pytest
import torch

from sgan_sklearn import SGANClassifier, _precision
from sgan_sklearn._modules import Discriminator, Generator, NoiseBank
from tests._helpers import ACCURATE, SMALL, three_blobs


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_each_precision_gives_finite_reproducible_fits(precision):
    X, y = three_blobs()
    first = SGANClassifier(**SMALL, precision=precision, random_state=0).fit(X, y)
    again = SGANClassifier(**SMALL, precision=precision, random_state=0).fit(X, y)
    proba = first.predict_proba(X)
    assert np.all(np.isfinite(proba))
    np.testing.assert_array_equal(proba, again.predict_proba(X))
    dtype = getattr(torch, precision)
    assert first.net_.module_.compute_dtype == dtype
    assert first.net_.generator_.compute_dtype == dtype
    # Weights and optimizer state stay float32 whatever the precision.
    assert all(p.dtype == torch.float32 for p in first.net_.module_.parameters())
    assert first.termination_condition_ == "max_epochs"


@pytest.mark.slow
def test_float32_switch_changes_the_arithmetic_not_the_model():
    X, y = three_blobs(n_rows=90)
    fits = {
        p: SGANClassifier(**ACCURATE, precision=p, random_state=0).fit(X, y)
        for p in ("float32", "bfloat16")
    }
    weights = {p: fit.discriminator_.hidden[0].direction for p, fit in fits.items()}
    # Same seed, same data: only the rounding of the multiplies differs...
    assert not torch.equal(weights["float32"], weights["bfloat16"])
    # ...so both learn the same separable problem.
    for fit in fits.values():
        assert fit.score(X, np.arange(90) % 3) > 0.9


def test_auto_precision_follows_the_cpu_the_device_and_the_input_width(monkeypatch):
    wide, narrow = _precision.BFLOAT16_MIN_FEATURES, _precision.BFLOAT16_MIN_FEATURES - 1
    monkeypatch.setattr(_precision, "cpu_multiplies_bfloat16_natively", lambda: True)
    assert _precision.training_dtype("auto", "cpu", wide) == torch.bfloat16
    assert _precision.training_dtype("auto", "cpu", narrow) == torch.float32
    assert _precision.training_dtype("auto", "cuda", wide) == torch.float32
    assert _precision.training_dtype("float32", "cpu", wide) == torch.float32
    monkeypatch.setattr(_precision, "cpu_multiplies_bfloat16_natively", lambda: False)
    assert _precision.training_dtype("auto", "cpu", wide) == torch.float32
    assert _precision.training_dtype("bfloat16", "cpu", narrow) == torch.bfloat16


def test_bad_precision_is_refused():
    X, y = three_blobs()
    with pytest.raises(ValueError, match="precision"):
        SGANClassifier(**SMALL, precision="float16").fit(X, y)


def test_bfloat16_modules_return_float32_and_train_float32_weights():
    torch.manual_seed(0)
    x = torch.randn(64, 20)
    reference = Discriminator(20, 3, (32, 16), input_noise=0.0, hidden_noise=0.0)
    reference.initialize_from(x)
    reduced = Discriminator(
        20, 3, (32, 16), input_noise=0.0, hidden_noise=0.0, compute_dtype=torch.bfloat16
    )
    reduced.load_state_dict(reference.state_dict())
    logits, features = reduced.train()(x, return_features=True)
    assert logits.dtype == features.dtype == torch.float32
    expected = reference.train()(x)
    torch.testing.assert_close(logits, expected, atol=0.05, rtol=0.05)
    assert not torch.equal(logits, expected)  # the multiplies did run in bfloat16
    logits.sum().backward()
    grads = [p.grad for p in reduced.parameters() if p.requires_grad]
    assert grads and all(g is not None and g.dtype == torch.float32 for g in grads)
    # Eval mode computes in the input's precision.
    torch.testing.assert_close(reduced.eval()(x), reference.eval()(x), atol=0, rtol=0)

    generator = Generator(8, 20, (16,), low=-np.ones(20), high=np.ones(20))
    generator.compute_dtype = torch.bfloat16
    samples = generator.train()(torch.rand(10, 8))
    assert samples.dtype == torch.float32
    assert samples.min() >= -1 and samples.max() <= 1


def test_noise_bank_serves_every_precision_from_one_float32_draw():
    torch.manual_seed(0)
    bank = NoiseBank(size=4096)
    full = bank.standard_normal_like(torch.zeros(100))
    torch.manual_seed(0)
    mixed = NoiseBank(size=4096)
    reduced = mixed.standard_normal_like(torch.zeros(100, dtype=torch.bfloat16))
    # Same seed, same numbers, rounded once to bfloat16.
    assert reduced.dtype == torch.bfloat16
    torch.testing.assert_close(reduced, full.to(torch.bfloat16), atol=0, rtol=0)
    # Asking again in bfloat16 neither redraws nor re-casts the bank.
    drawn, cast = mixed.bank, mixed.copies[torch.bfloat16]
    mixed.standard_normal_like(torch.zeros(100, dtype=torch.bfloat16))
    assert mixed.bank is drawn and mixed.copies[torch.bfloat16] is cast


@pytest.mark.parametrize(
    "n_samples, n_features, hidden, generator",
    [
        (40, 10, (250, 125, 125), (125, 125)),  # small tabular data: half widths
        (40, 256, (500, 250, 250), (250, 250)),  # image-sized rows
        (10_001, 10, (500, 250, 250), (250, 250)),  # many rows
    ],
)
def test_auto_widths_follow_the_shape_of_the_data(n_samples, n_features, hidden, generator):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_samples, n_features))
    y = np.r_[np.arange(10) % 2, np.full(n_samples - 10, -1)]
    clf = SGANClassifier(max_epochs=1, train__min_steps_per_epoch=1, batch_size=n_samples)
    clf.fit(X, y)
    assert clf.hidden_layer_sizes_ == hidden
    assert clf.generator_layer_sizes_ == generator
    assert [len(layer.bias) for layer in clf.discriminator_.hidden] == list(hidden)
    assert clf.hidden_layer_sizes == "auto"  # the parameter is left as it was
    # A continued fit keeps the widths "auto" resolved to, whatever the new data.
    clf.set_params(warm_start=True).fit(X[:40], y[:40])
    assert clf.hidden_layer_sizes_ == hidden


def test_explicit_widths_are_used_as_given():
    X, y = three_blobs()
    clf = SGANClassifier(**SMALL, random_state=0).fit(X, y)
    assert clf.hidden_layer_sizes_ == SMALL["hidden_layer_sizes"]
    assert clf.generator_layer_sizes_ == SMALL["generator_layer_sizes"]


def test_warm_start_applies_a_changed_precision():
    X, y = three_blobs()
    clf = SGANClassifier(**SMALL, precision="float32", random_state=0).fit(X, y)
    clf.set_params(precision="bfloat16", warm_start=True).fit(X, y)
    assert clf.net_.module_.compute_dtype == torch.bfloat16
    assert clf.net_.generator_.compute_dtype == torch.bfloat16
    assert clf.n_iter_ == 2 * SMALL["max_epochs"]
