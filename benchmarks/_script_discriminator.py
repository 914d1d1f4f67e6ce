"""The estimator's discriminator started as the Improved-GAN MNIST script starts its own.

The built-in discriminator (weight-normalised layers, Gaussian noise on the input
and on every hidden layer, frozen hidden scales) with the two starting values of
``train_mnist_feature_matching.py`` (openai/improved-gan) that the estimator does
not use: weight directions drawn N(0, 0.1) instead of N(0, 0.05), and the output
layer initialised from data to logits of unit variance instead of 0.1; it is
initialised under the training noise, as ``train__initialize_with_noise=True`` does
for the built-in one (a setting for the built-in networks only). Given as
``SGANClassifier(discriminator=ScriptInitDiscriminator, discriminator__...)``, it
lets ``benchmarks/mnist_ceiling.py`` put this piece of the control
(``benchmarks/improved_gan_port.py``) into the estimator; as a subclass of the
built-in network it trains as that one does (the same losses, noise and average).
"""

import torch

from sgan_sklearn._modules import Discriminator

# The script's standard deviation of the weight directions; the estimator draws 0.05.
DIRECTION_STD = 0.1
ESTIMATOR_DIRECTION_STD = 0.05


class ScriptInitDiscriminator(Discriminator):
    output_init_scale = 1.0

    def __init__(
        self,
        n_features=784,
        n_classes=10,
        hidden_layer_sizes=(1000, 500, 250, 250, 250),
        input_noise=0.3,
        hidden_noise=0.5,
    ):
        super().__init__(n_features, n_classes, hidden_layer_sizes, input_noise, hidden_noise)
        with torch.no_grad():
            for layer in [*self.hidden, self.output]:
                layer.direction.mul_(DIRECTION_STD / ESTIMATOR_DIRECTION_STD)

    def initialize_from(self, x, with_noise=True):
        """The built-in initialisation, under the training noise (as the script
        initialises, in train mode), with the output's logits at unit variance."""
        super().initialize_from(x, with_noise=with_noise)


class ScriptFeatureMatchingDiscriminator(ScriptInitDiscriminator):
    """The script's start and the script's feature matching for the generator.

    ``train_mnist_feature_matching.py`` matches the last hidden layer before its
    noise (the earlier layers' noise on) with the mean squared difference of the
    batch means; the built-in network matches that layer's output after the noise
    with the mean absolute difference.
    """

    def feature_matching_loss(self, x_real, x_fake, weights):
        with torch.no_grad():
            mean_real = self.features(x_real, weights, last_noise=False).float().mean(0)
        mean_fake = self.features(x_fake, weights, last_noise=False).float().mean(0)
        return (mean_real - mean_fake).square().mean()
