"""The Improved-GAN MNIST script's generator, as a network for ``SGANClassifier(generator=...)``.

The generator of ``train_mnist_feature_matching.py`` (openai/improved-gan), the one
``benchmarks/improved_gan_port.py`` trains: uniform noise of 100 dimensions, two
layers of 500 units with Glorot-uniform weights, batch norm on batch statistics
(eps 1e-6, a bias and no gain) and softplus, and a weight-normalised sigmoid output
(scale 1, bias 0, no data-dependent start). It lets ``benchmarks/mnist_ceiling.py``
train the estimator with the script's generator in place of its own, one piece of
the control at a time. Its samples lie in [0, 1], the range of the pixels the
estimator is given.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


class ScriptGenerator(nn.Module):
    def __init__(self, n_features=784, latent_dim=100, width=500):
        super().__init__()
        self.latent_dim = latent_dim
        self.hidden = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.norms = nn.ModuleList()
        fan_in = latent_dim
        for _ in range(2):
            self.hidden.append(nn.Parameter(_glorot(fan_in, width)))
            self.biases.append(nn.Parameter(torch.zeros(width)))
            self.norms.append(nn.BatchNorm1d(width, eps=1e-6, affine=False))
            fan_in = width
        self.direction = nn.Parameter(_glorot(fan_in, n_features))
        self.scale = nn.Parameter(torch.ones(n_features))
        self.bias = nn.Parameter(torch.zeros(n_features))

    def forward(self, z):
        h = z
        for weight, bias, norm in zip(self.hidden, self.biases, self.norms):
            h = F.softplus(norm(h @ weight) + bias)
        norms = (1e-6 + self.direction.square().sum(0)).sqrt()
        return torch.sigmoid(h @ (self.direction * (self.scale / norms)) + self.bias)

    def sample_noise(self, n_samples, device, generator=None):
        return torch.rand(n_samples, self.latent_dim, device=device, generator=generator)


def _glorot(n_in, n_out):
    limit = math.sqrt(6.0 / (n_in + n_out))
    return (torch.rand(n_in, n_out) * 2 - 1) * limit
