"""The PyTorch building blocks: noise bank, noise layers, weight-norm init."""

import copy
import pickle

import pytest
import torch

from sgan_sklearn._modules import Discriminator, GaussianNoise, NoiseBank, feature_matching_loss


def test_noise_bank_windows_are_standard_normal_and_vary():
    torch.manual_seed(0)
    bank = NoiseBank(size=1 << 16, reuse=4)
    like = torch.empty(100, 50)
    windows = [bank.standard_normal_like(like).clone() for _ in range(200)]
    values = torch.stack(windows)
    assert abs(values.mean().item()) < 0.02
    assert abs(values.std().item() - 1) < 0.02
    assert all(w.shape == like.shape for w in windows)
    # Consecutive windows start at different offsets.
    assert not torch.equal(windows[0], windows[1])


def test_noise_bank_is_redrawn_after_reuse_times_its_size():
    torch.manual_seed(0)
    bank = NoiseBank(size=1000, reuse=2)
    like = torch.empty(10, 10)
    bank.standard_normal_like(like)
    first = bank.bank.clone()
    for _ in range(19):  # 2000 numbers handed out in all: not yet redrawn
        bank.standard_normal_like(like)
    assert torch.equal(bank.bank, first)
    bank.standard_normal_like(like)
    assert not torch.equal(bank.bank, first)


def test_noise_bank_grows_for_large_inputs_and_follows_the_dtype():
    bank = NoiseBank(size=100)
    noise = bank.standard_normal_like(torch.empty(30, 20, dtype=torch.float64))
    assert noise.dtype == torch.float64 and bank.bank.numel() >= 2 * 600


def test_noise_bank_is_seeded_by_torch_and_not_copied():
    torch.manual_seed(3)
    a = NoiseBank().standard_normal_like(torch.empty(50, 40))
    torch.manual_seed(3)
    b = NoiseBank().standard_normal_like(torch.empty(50, 40))
    assert torch.equal(a, b)
    bank = NoiseBank(size=1 << 10)
    bank.standard_normal_like(torch.empty(10))
    assert pickle.loads(pickle.dumps(bank)).bank is None
    assert copy.deepcopy(bank).bank is None


@pytest.mark.parametrize("source", [None, NoiseBank()])
def test_gaussian_noise_only_in_train_mode(source):
    layer = GaussianNoise(0.5, source)
    x = torch.zeros(2000, 10)
    assert torch.equal(layer.eval()(x), x)
    noisy = layer.train()(x)
    assert abs(noisy.std().item() - 0.5) < 0.02


def test_discriminator_shares_one_bank_and_frozen_weights_match_forward():
    torch.manual_seed(0)
    d = Discriminator(20, 3, (16, 8), input_noise=0.3, hidden_noise=0.5)
    assert {id(m.source) for m in d.modules() if isinstance(m, GaussianNoise)} == {
        id(d.noise_source)
    }
    x = torch.randn(64, 20)
    d.initialize_from(x)
    d.eval()
    weights = d.frozen_hidden_weights()
    assert all(not w.requires_grad for pair in weights for w in pair)
    logits, features = d(x, return_features=True)
    torch.testing.assert_close(d.logits(x, weights), logits)
    torch.testing.assert_close(d.features(x, weights), features)
    # The data-dependent init standardises the first layer's pre-activations.
    first = d.hidden[0](x)
    torch.testing.assert_close(first.mean(0), torch.zeros(16), atol=1e-5, rtol=0)
    torch.testing.assert_close(first.std(0, unbiased=False), torch.ones(16), atol=1e-4, rtol=0)


def test_features_carry_the_last_hidden_noise_in_train_mode():
    torch.manual_seed(0)
    d = Discriminator(20, 3, (16, 8), input_noise=0.0, hidden_noise=0.5)
    x = torch.randn(64, 20)
    d.initialize_from(x)
    weights = d.frozen_hidden_weights()
    clean = d.eval().features(x, weights)
    noisy = d.train().features(x, weights)
    # Without input noise the only difference is the last layer's N(0, 0.5^2) noise
    # (earlier layers' noise changes the ReLU outputs too, so allow some slack).
    assert (clean >= 0).all()
    assert (noisy < 0).any()
    assert 0.45 < (noisy - clean).std().item() < 1.0


def test_feature_matching_loss_is_mean_absolute_difference_of_means():
    real = torch.tensor([[1.0, 0.0, 4.0], [3.0, 2.0, 0.0]])  # means 2, 1, 2
    fake = torch.tensor([[0.0, 1.0, 2.0], [0.0, 1.0, 4.0]], requires_grad=True)  # 0, 1, 3
    loss = feature_matching_loss(real, fake)
    assert loss.item() == pytest.approx((2 + 0 + 1) / 3)
    loss.backward()
    # Every feature that differs pulls with the same strength, whatever the gap.
    expected = torch.tensor([[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]) / 6
    torch.testing.assert_close(fake.grad, expected)
