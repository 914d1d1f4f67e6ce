"""The Improved-GAN script's networks that the MNIST control puts into the estimator."""

import pickle

import numpy as np
import torch

from benchmarks._script_discriminator import ScriptFeatureMatchingDiscriminator
from benchmarks._script_generator import ScriptGenerator
from sgan_sklearn import SGANClassifier


def test_script_generator_matches_the_script():
    generator = ScriptGenerator(n_features=30, latent_dim=10, width=20)
    # Batch norm without a gain, a bias after it; the output layer starts at scale 1.
    assert all(not norm.affine and norm.eps == 1e-6 for norm in generator.norms)
    assert torch.equal(generator.scale, torch.ones(30))
    generator.train()
    z = generator.sample_noise(64, "cpu")
    assert z.min() >= 0 and z.max() <= 1
    # Weight normalisation: scaling the directions does not change the samples.
    before = generator(z)
    with torch.no_grad():
        generator.direction.mul_(3.0)
    torch.testing.assert_close(generator(z), before)
    assert before.min() > 0 and before.max() < 1


def test_estimator_trains_and_checkpoints_with_the_script_generator():
    rng = np.random.default_rng(0)
    X = rng.random((200, 30))
    y = np.full(200, -1)
    y[:20] = np.arange(20) % 2
    model = SGANClassifier(
        hidden_layer_sizes=(20,),
        generator=ScriptGenerator,
        generator__n_features=30,
        generator__latent_dim=10,
        generator__width=20,
        input_scaling="minmax",
        train__catch_up_steps=0,
        max_epochs=1,
        random_state=0,
    ).fit(X, y)
    samples = model.sample(5, random_state=0)
    assert samples.shape == (5, 30)
    assert (samples >= X.min(axis=0) - 1e-6).all() and (samples <= X.max(axis=0) + 1e-6).all()
    # The control's checkpoints are pickles (model files hold no code).
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))


def test_script_feature_matching_is_squared_and_before_the_last_noise():
    torch.manual_seed(0)
    network = ScriptFeatureMatchingDiscriminator(
        n_features=6, n_classes=3, hidden_layer_sizes=(8, 8), input_noise=0.3, hidden_noise=0.5
    )
    network.train()
    x_real, x_fake = torch.randn(50, 6), torch.randn(50, 6, requires_grad=True)
    weights = network.frozen_hidden_weights()
    # Train mode: the built-in features carry the last layer's noise (values below
    # zero after the ReLU); the script's carry only the earlier layers' noise.
    assert (network.features(x_real, weights) < 0).any()
    assert (network.features(x_real, weights, last_noise=False) >= 0).all()
    # Without noise the two are the same layer.
    quiet = ScriptFeatureMatchingDiscriminator(6, 3, (8, 8), input_noise=0.0, hidden_noise=0.0)
    torch.testing.assert_close(
        quiet.features(x_real, weights, last_noise=False), quiet.features(x_real, weights)
    )
    with torch.no_grad():
        mean_real = quiet.features(x_real, weights).mean(0)
        mean_fake = quiet.features(x_fake, weights).mean(0)
    loss = quiet.feature_matching_loss(x_real, x_fake, weights)
    torch.testing.assert_close(loss, (mean_real - mean_fake).square().mean())
    loss.backward()
    assert x_fake.grad.abs().sum() > 0
